// The vbc extension for VS Code: starts the vbc language server (vbc lsp) for .vbc files and adds two commands,
// "vbc: Format" and "vbc: Settle with data...", which shows the HTML statement in a webview.
// Bundled with esbuild into dist/extension.js (npm run bundle); 'vscode' is provided by the editor.
'use strict';
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');
const { execFile } = require('child_process');
const path = require('path');
const { serverCommand, settleArguments, headerCommand } = require('./vbc-command');

let client;

async function activate(context) {
  const output = vscode.window.createOutputChannel('vbc');
  const configured = () => vscode.workspace.getConfiguration('vbc').get('path') || 'vbc';
  const server = serverCommand(configured(), ['lsp', '--stdio']);
  client = new LanguageClient('vbc', 'vbc language server',
    { command: server.command, args: server.args },
    {
      documentSelector: [{ scheme: 'file', language: 'vbc' }, { scheme: 'untitled', language: 'vbc' }],
      outputChannel: output,
    });

  context.subscriptions.push(
    vscode.commands.registerCommand('vbc.format', () => vscode.commands.executeCommand('editor.action.formatDocument')),
    vscode.commands.registerCommand('vbc.settleWithData', () => settleWithData(configured(), output)));
  await client.start();
}

/** Asks for the member data and the inputs, runs vbc settle --format html, and shows the statement. */
async function settleWithData(vbcPath, output) {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'vbc') {
    vscode.window.showErrorMessage('Open a vbc contract first.');
    return;
  }
  const document = editor.document;
  if (document.isDirty) {
    await document.save();
  }
  // The contract's header comment may say how to settle it: offer its data and inputs as the defaults.
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  const header = headerCommand(document.getText());
  const picked = await vscode.window.showOpenDialog({
    title: 'Member-level data (CSV) to settle the contract on',
    canSelectMany: false,
    filters: { 'CSV files': ['csv'], 'All files': ['*'] },
    defaultUri: header.data && folder ? vscode.Uri.joinPath(folder.uri, header.data) : undefined,
  });
  if (!picked || picked.length === 0) {
    return;
  }
  const inputs = await vscode.window.showInputBox({
    title: 'Inputs, NAME=VALUE separated by spaces (empty if the contract has none)',
    value: header.inputs.join(' '),
  });
  if (inputs === undefined) {
    return;
  }
  const command = serverCommand(vbcPath, settleArguments(document.uri.fsPath, picked[0].fsPath, inputs));
  output.appendLine(`$ ${command.command} ${command.args.join(' ')}`);
  execFile(command.command, command.args, { cwd: folder ? folder.uri.fsPath : path.dirname(document.uri.fsPath), maxBuffer: 64 * 1024 * 1024 },
    (error, stdout, stderr) => {
      if (stderr) {
        output.appendLine(stderr);
      }
      if (error && !stdout) {
        output.show(true);
        vscode.window.showErrorMessage(`vbc settle failed (exit code ${error.code}): see the vbc output for the messages.`);
        return;
      }
      const panel = vscode.window.createWebviewPanel('vbcStatement', `Statement: ${path.basename(document.uri.fsPath)}`,
        vscode.ViewColumn.Beside, { enableScripts: false });
      panel.webview.html = stdout;
    });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
