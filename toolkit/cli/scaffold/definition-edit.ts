/**
 * Adds a stage to a pipeline definition file, in place, keeping the file as its author wrote it: the
 * TypeScript parser finds the `stages` object of the `definePipeline({...})` call and the new entry is inserted
 * as text after the stage the user names (or last), in the file's own indentation.
 */
import ts from 'typescript';

/** The new stage's entry in the definition. */
export interface StageEntry {
  readonly key: string;
  readonly description: string;
  readonly consumes: string;
  readonly to: string;
  readonly sets: readonly string[];
  readonly filter?: string;
  /** Insert after this stage; last when absent. */
  readonly after?: string;
}

/** Raised when the definition cannot take the stage; the message says why and what was expected. */
export class DefinitionEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DefinitionEditError';
  }
}

function propertyName(property: ts.ObjectLiteralElementLike): string | undefined {
  if (!ts.isPropertyAssignment(property)) return undefined;
  const name = property.name;
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}

/** The object literal passed to `definePipeline(...)` in the file. */
function definitionObject(source: ts.SourceFile): ts.ObjectLiteralExpression {
  let found: ts.ObjectLiteralExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'definePipeline') {
      const [argument] = node.arguments;
      if (argument && ts.isObjectLiteralExpression(argument)) found = argument;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (!found) throw new DefinitionEditError(`${source.fileName}: no definePipeline({...}) call with an object literal; expected the pipeline definition`);
  return found;
}

/** A single-quoted TypeScript string literal, as the definitions are written. */
function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** The text of a stage entry, indented like its siblings. */
function entryText(entry: StageEntry, indent: string): string {
  const inner = `${indent}  `;
  const lines = [
    `${entry.key}: {`,
    `${inner}description: ${quote(entry.description)},`,
    `${inner}entryPoint: ${quote(entry.key)},`,
    `${inner}source: ${quote(`./stages/${entry.key}`)},`,
    ...(entry.sets.length > 0 ? [`${inner}sets: { ${entry.sets.map((a) => `${a}: ${quote(`Set by the ${entry.key} stage.`)}`).join(', ')} },`] : []),
    `${inner}consumes: ${quote(entry.consumes)},`,
    ...(entry.filter ? [`${inner}filter: ${quote(entry.filter)},`] : []),
    `${inner}routes: [{ to: ${quote(entry.to)} }],`,
    `${indent}},`,
  ];
  return lines.join('\n');
}

/** The definition file's text with the stage added. Refuses a key that exists and unknown `after` or topics. */
export function addStageToDefinition(fileName: string, text: string, entry: StageEntry): string {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const definition = definitionObject(source);
  const find = (name: string): ts.PropertyAssignment | undefined =>
    definition.properties.find((p): p is ts.PropertyAssignment => propertyName(p) === name && ts.isPropertyAssignment(p));
  const stagesProperty = find('stages');
  if (!stagesProperty || !ts.isObjectLiteralExpression(stagesProperty.initializer)) {
    throw new DefinitionEditError(`${fileName}: the definition has no "stages: {...}" object literal`);
  }
  const topicsProperty = find('topics');
  if (topicsProperty && ts.isObjectLiteralExpression(topicsProperty.initializer)) {
    const topics = topicsProperty.initializer.properties.map(propertyName).filter((n): n is string => n !== undefined);
    for (const [flag, topic] of [['--consumes', entry.consumes], ['--to', entry.to]] as const) {
      if (!topics.includes(topic)) throw new DefinitionEditError(`${flag} "${topic}" is not a topic of the definition (topics: ${topics.join(', ')})`);
    }
  }
  const stages = stagesProperty.initializer.properties;
  const keys = stages.map(propertyName);
  if (keys.includes(entry.key)) throw new DefinitionEditError(`the definition already has a stage "${entry.key}"`);
  const anchor = entry.after !== undefined ? stages.find((p) => propertyName(p) === entry.after) : stages[stages.length - 1];
  if (entry.after !== undefined && !anchor) throw new DefinitionEditError(`--after "${entry.after}" is not a stage of the definition (stages: ${keys.join(', ')})`);
  if (!anchor) throw new DefinitionEditError(`${fileName}: the definition's "stages" is empty; add the first stage by hand`);
  const lineStart = text.lastIndexOf('\n', anchor.getStart(source)) + 1;
  const indent = text.slice(lineStart, anchor.getStart(source));
  // After the anchor and its trailing comma, if any.
  let end = anchor.getEnd();
  if (text[end] === ',') end += 1;
  return `${text.slice(0, end)}\n${indent}${entryText(entry, indent)}${text.slice(end).startsWith('\n') ? '' : '\n'}${text.slice(end)}`;
}
