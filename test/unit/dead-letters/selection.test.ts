import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { DeadLetterError } from '../../../toolkit/core/dead-letters/errors';
import { compileSelection, selectsAll } from '../../../toolkit/core/dead-letters/selection';
import { describeDeadLetter, type DeadLetter } from '../../../toolkit/core/dead-letters/source';
import { pulledMessage, TOPOLOGY } from './factories';

const letter = (attributes: Record<string, string>, messageId?: string): DeadLetter =>
  describeDeadLetter(pulledMessage({ attributes, ...(messageId ? { messageId } : {}) }), TOPOLOGY);

const invalid = letter({ [ATTR.dlqReason]: 'INVALID_JSON', [ATTR.dlqStage]: 'language', [ATTR.dlqSourceMessageId]: '501', ['lang']: 'fr' }, '9001');
const output = letter({ [ATTR.dlqReason]: 'INVALID_OUTPUT', [ATTR.dlqStage]: 'nlp', ['lang']: 'en' }, '9002');
const exhausted = letter({ CloudPubSubDeadLetterSourceDeliveryCount: '10', CloudPubSubDeadLetterSourceSubscription: 'dev-help-desk-nlp-push' }, '9003');
const all = [invalid, output, exhausted];

describe('compileSelection', () => {
  it.each([
    ['nothing (everything)', {}, ['9001', '9002', '9003']],
    ['a dead letter id', { ids: ['9002'] }, ['9002']],
    ['the original message id', { ids: ['501'] }, ['9001']],
    ['a reason, in any case', { reasons: ['invalid_json'] }, ['9001']],
    ['retries exhausted', { reasons: ['RETRIES_EXHAUSTED'] }, ['9003']],
    ['a stage, also where Pub/Sub dead-lettered it', { stages: ['nlp'] }, ['9002', '9003']],
    ['a filter', { filter: 'attributes.lang = "en"' }, ['9002']],
    ['criteria combined with AND', { stages: ['nlp'], reasons: ['INVALID_OUTPUT', 'INVALID_JSON'] }, ['9002']],
    ['values of one criterion with OR', { ids: ['9001', '9003'] }, ['9001', '9003']],
  ])('selects by %s', (_what, selection, expected) => {
    const selected = compileSelection(selection);
    expect(all.filter(selected).map((d) => d.messageId)).toEqual(expected);
  });

  it('refuses a filter Pub/Sub would refuse, naming it', () => {
    expect(() => compileSelection({ filter: 'attributes.lang = ' })).toThrow(DeadLetterError);
    expect(() => compileSelection({ filter: 'attributes.lang = ' })).toThrow(/invalid filter "attributes.lang = "/);
  });
});

describe('selectsAll', () => {
  it.each([
    [{}, true],
    [{ ids: [], filter: '  ' }, true],
    [{ ids: ['1'] }, false],
    [{ filter: 'attributes:lang' }, false],
  ])('%j → %s', (selection, expected) => {
    expect(selectsAll(selection)).toBe(expected);
  });
});
