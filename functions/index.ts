/**
 * Entry point of the deployed functions (`main` of the function archive): registers every stage's HTTP function
 * under its entry point. Cloud Functions selects one with `entryPoint`, functions-framework with `--target`; the
 * stage's module is loaded when its function first runs, so a stage's archive needs only that stage's code.
 */
import { pipeline } from './pipeline';

pipeline.registerFunctions();
