// Reads a file.
// expect: VBC7005 System.IO.File
using System;
using System.Collections.Generic;
using System.Linq;
using Vbc.Clauses.Authoring;

public sealed class Escape : PluginClause
{
    private readonly Setting<decimal> _amount;

    public Escape() => _amount = MoneySetting("amount", "Any amount.", "$1.00");

    public override string Keyword => "escape";

    public override string Summary => "A plug-in that tries to escape the sandbox.";

    public override string CodePrefix => "ESC";

    protected override void Settle(SettleContext s) => s.Note("x", "x", System.IO.File.ReadAllText("/etc/passwd"));
}
