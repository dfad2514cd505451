// Tests of how the extension runs vbc (node test/vbc-command.test.js; CI runs it with the grammar tests).
'use strict';
const assert = require('assert');
const { serverCommand, settleArguments, headerCommand } = require('../src/vbc-command');

assert.deepStrictEqual(serverCommand('vbc', ['lsp', '--stdio']), { command: 'vbc', args: ['lsp', '--stdio'] });
assert.deepStrictEqual(serverCommand('/opt/vbc/vbc.dll', ['lsp']), { command: 'dotnet', args: ['/opt/vbc/vbc.dll', 'lsp'] });
assert.deepStrictEqual(settleArguments('c.vbc', 'm.csv', ' quality_score=92%  n=5 '),
  ['settle', 'c.vbc', '--data', 'm.csv', '--format', 'html', '--input', 'quality_score=92%', '--input', 'n=5']);
assert.deepStrictEqual(headerCommand('// A contract.\n// Settle the example: vbc settle contracts/a.vbc --data seeds/members.csv --input quality_score=92% --input assigned_beneficiaries=9139\ncontract "x" {}'),
  { data: 'seeds/members.csv', inputs: ['quality_score=92%', 'assigned_beneficiaries=9139'] });
assert.deepStrictEqual(headerCommand('contract "x" {}'), { data: undefined, inputs: [] });
console.log('vbc-command tests passed.');
