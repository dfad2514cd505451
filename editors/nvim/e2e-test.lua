-- End-to-end test of `vbc lsp` with a real LSP client: Neovim's built-in one, headless.
-- Run by editors/nvim/run-e2e.sh (CI runs it). It opens a contract with a mistake and asserts that the diagnostics,
-- a hover, a completion and a go-to-definition arrive from the server. It exits 0 when all pass, 1 otherwise.
local contract = os.getenv('VBC_E2E_CONTRACT')
local cmd = vim.split(os.getenv('VBC_E2E_CMD'), ' ', { trimempty = true })
local timeout = 30000
local failures = 0

local function say(text)
  io.stdout:write(text .. '\n')
end

local function check(name, ok, detail)
  if ok then
    say('PASS ' .. name .. (detail and (': ' .. detail) or ''))
  else
    failures = failures + 1
    say('FAIL ' .. name .. (detail and (': ' .. detail) or ''))
  end
end

local published = nil
-- The setup users load (editors/nvim/vbc.lua), with a handler that also records what is published.
package.path = os.getenv('VBC_E2E_NVIM_DIR') .. '/?.lua;' .. package.path
local vbc = require('vbc').setup({
  cmd = cmd,
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      if result and result.uri == vim.uri_from_fname(contract) then
        published = result
      end
      vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
    end,
  },
})
vim.cmd('edit ' .. vim.fn.fnameescape(contract))
local bufnr = vim.api.nvim_get_current_buf()
check('the filetype is vbc', vim.bo[bufnr].filetype == 'vbc', vim.bo[bufnr].filetype)
local client_id = vbc.client_id
check('the server starts', client_id ~= nil)

local started = vim.wait(timeout, function()
  local client = vim.lsp.get_client_by_id(client_id)
  return client ~= nil and client.initialized
end, 50)
check('initialize', started)
local client = vim.lsp.get_client_by_id(client_id)

-- 1. Diagnostics: the contract has 'scaled_rat' where 'scaled_rate' is meant.
vim.wait(timeout, function() return published ~= nil and #published.diagnostics > 0 end, 50)
local diagnostic = published and published.diagnostics[1]
check('diagnostics arrive', diagnostic ~= nil and diagnostic.code == 'VBC2005' and diagnostic.message:find("Did you mean 'scaled_rate'", 1, true) ~= nil,
  diagnostic and (diagnostic.code .. ' at ' .. diagnostic.range.start.line .. ':' .. diagnostic.range.start.character .. ' ' .. diagnostic.message:sub(1, 60)))
check('diagnostics reach the buffer', #vim.diagnostic.get(bufnr) > 0)

local function find(text)
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  for i, line in ipairs(lines) do
    local col = line:find(text, 1, true)
    if col then
      return { line = i - 1, character = col - 1 }
    end
  end
  error('not in the contract: ' .. text)
end

local function request(method, position, extra)
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = position }
  for k, v in pairs(extra or {}) do
    params[k] = v
  end
  local response, err = client.request_sync(method, params, timeout, bufnr)
  if response == nil then
    return nil, err
  end
  return response.result, response.err
end

-- 2. Hover on a use of the input quality_score.
local use = find('base_rate * quality_score')
local hover = request('textDocument/hover', { line = use.line, character = use.character + 14 })
local hover_text = hover and hover.contents and hover.contents.value or ''
check('hover', hover_text:find('quality_score', 1, true) ~= nil and hover_text:find('input', 1, true) ~= nil, hover_text:sub(1, 60))

-- 3. Completion after 'sharing: ' offers the option words.
local sharing = find('sharing: ')
local completion = request('textDocument/completion', { line = sharing.line, character = sharing.character + 9 })
local labels = {}
for _, item in ipairs((completion and completion.items) or completion or {}) do
  table.insert(labels, item.label)
end
check('completion', vim.tbl_contains(labels, 'first dollar') and vim.tbl_contains(labels, 'second dollar'), table.concat(labels, ', '))

-- 4. Go to definition of base_rate from its use in scaled_rate: the line where base_rate is declared.
local base_use = find('base_rate * quality_score')
local definition = request('textDocument/definition', base_use)
local target = definition and definition[1]
local declared = find('base_rate: 40%')
check('definition', target ~= nil and target.range.start.line == declared.line and target.range.start.character == declared.character,
  target and ('line ' .. target.range.start.line .. ', character ' .. target.range.start.character) or 'no location')

vim.lsp.stop_client(client_id)
say(failures == 0 and 'Neovim end-to-end test: all checks passed.' or ('Neovim end-to-end test: ' .. failures .. ' check(s) failed.'))
if failures == 0 then
  vim.cmd('qall!')
else
  vim.cmd('cquit 1')
end
