// How the extension runs vbc: pure functions, tested without VS Code (test/vbc-command.test.js).
'use strict';

/** vbc.path may name the vbc executable or vbc.dll (then it is run with dotnet). */
function serverCommand(vbcPath, args) {
  return vbcPath.toLowerCase().endsWith('.dll')
    ? { command: 'dotnet', args: [vbcPath, ...args] }
    : { command: vbcPath, args };
}

/** The arguments of vbc settle for a contract, a data file and inputs typed as "a=1 b=2". */
function settleArguments(contract, data, inputs) {
  const args = ['settle', contract, '--data', data, '--format', 'html'];
  for (const input of inputs.split(/\s+/).filter(s => s.length > 0)) {
    args.push('--input', input);
  }
  return args;
}

/**
 * The data and inputs of the command a contract's header comment gives, such as
 * "// Settle the example: vbc settle contracts/x.vbc --data seeds/members.csv --input quality_score=92%".
 */
function headerCommand(text) {
  const line = text.split(/\r?\n/).find(l => /^\s*\/\/.*\bvbc settle\b/.test(l));
  const result = { data: undefined, inputs: [] };
  if (!line) {
    return result;
  }
  const words = line.slice(line.indexOf('vbc settle')).split(/\s+/);
  for (let i = 0; i < words.length - 1; i++) {
    if (words[i] === '--data') {
      result.data = words[i + 1];
    } else if (words[i] === '--input') {
      result.inputs.push(words[i + 1]);
    }
  }
  return result;
}

module.exports = { serverCommand, settleArguments, headerCommand };
