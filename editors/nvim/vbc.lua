-- Neovim (0.7 or later) support for vbc contracts: the filetype and the vbc language server.
-- Use: put this file on your runtimepath (or :luafile it) and call require('vbc').setup({ cmd = { 'vbc', 'lsp', '--stdio' } }).
local M = {}

function M.setup(options)
  options = options or {}
  local cmd = options.cmd or { 'vbc', 'lsp', '--stdio' }
  vim.cmd([[autocmd BufRead,BufNewFile *.vbc setfiletype vbc]])
  vim.cmd([[autocmd FileType vbc setlocal commentstring=//\ %s shiftwidth=2 expandtab]])
  local group = 'vbc_lsp'
  vim.cmd('augroup ' .. group .. ' | autocmd! | augroup END')
  M.client_id = nil
  _G.vbc_attach = function()
    if M.client_id == nil then
      M.client_id = vim.lsp.start_client({
        name = 'vbc',
        cmd = cmd,
        root_dir = vim.fn.getcwd(),
        handlers = options.handlers,
      })
    end
    vim.lsp.buf_attach_client(0, M.client_id)
  end
  vim.cmd('autocmd ' .. group .. ' FileType vbc lua _G.vbc_attach()')
  return M
end

return M
