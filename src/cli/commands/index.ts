import type { CliCommand } from '../command';
import { diffCommand } from './diff';
import { featuresCommand } from './features';
import { inspectCommand } from './inspect';
import { lintCommand } from './lint';
import { runCommand } from './run';
import { validateCommand } from './validate';

/** Every `onnx-lab` subcommand, in the order `--help` lists them. */
export const COMMANDS: CliCommand[] = [inspectCommand, lintCommand, featuresCommand, runCommand, validateCommand, diffCommand];
