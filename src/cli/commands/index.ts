import type { CliCommand } from '../command';
import { featuresCommand } from './features';
import { inspectCommand } from './inspect';
import { lintCommand } from './lint';
import { runCommand } from './run';

/** Every `onnx-lab` subcommand, in the order `--help` lists them. */
export const COMMANDS: CliCommand[] = [inspectCommand, lintCommand, featuresCommand, runCommand];
