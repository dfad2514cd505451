using System.Text;
using Vbc.Clauses;
using Vbc.Clauses.Authoring;
using Vbc.Semantics;

namespace Vbc.Plugins;

/// <summary>
/// <c>vbc doc FILE.csx</c>: the reference page of a plug-in's clause kind in Markdown, written only from what the
/// plug-in declared (read once, under the host's limits, when it was loaded): keyword, summary, an example block,
/// its settings, the values it defines and its own diagnostic codes. Nothing here runs plug-in code.
/// </summary>
public static class PluginDocument
{
    public static string Markdown(LoadedPlugin plugin)
    {
        PluginClause clause = plugin.Kind;
        IClauseKind kind = clause;
        var text = new StringBuilder();
        text.Append("# `").Append(kind.Keyword).Append("` (plug-in clause)\n\n");
        text.Append(Cell(kind.Summary, table: false)).Append("\n\n");
        text.Append("| plug-in | version | script | SHA-256 of the script |\n|---|---|---|---|\n");
        text.Append("| ").Append(plugin.Name).Append(" | ").Append(clause.FrozenVersion).Append(" | `").Append(Path.GetFileName(plugin.ScriptPath))
            .Append("` | `").Append(plugin.Sha256).Append("` |\n\n");
        text.Append(kind.Repeatable ? "A contract may have several of these clauses" : "A contract has at most one of these clauses")
            .Append(kind.AllowedInLevel ? "; it may be written inside a level." : "; it may not be written inside a level.").Append("\n\n");

        text.Append("## Example\n\n```vbc\nplugins {\n  ").Append(plugin.Name).Append(": \"").Append(Path.GetFileName(plugin.ScriptPath)).Append("\"\n}\n\n");
        text.Append(kind.Keyword).Append(" {\n");
        foreach (var setting in clause.Settings)
        {
            if (setting is TableSetting or BandsSetting)
            {
                // A table's example is its rows, one a line.
                text.Append("  ").Append(setting.Key).Append(": {\n");
                foreach (var row in setting.Spec.Example.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    text.Append("    ").Append(row).Append('\n');
                }
                text.Append("  }\n");
                continue;
            }
            text.Append("  ").Append(setting.Key).Append(": ").Append(setting.Spec.Example).Append('\n');
        }
        text.Append("}\n```\n\n");

        text.Append("## Settings\n\n");
        if (clause.Settings.Count == 0)
        {
            text.Append("None.\n\n");
        }
        else
        {
            text.Append("| setting | takes | worked out | range | required | what it is |\n|---|---|---|---|---|---|\n");
            foreach (var setting in clause.Settings)
            {
                var spec = setting.Spec;
                var unit = UnitOf(setting);
                string range = unit is { } u ? Display.Bounds(spec.Min, spec.Max, Units.TypeOf(u)) : "";
                text.Append("| `").Append(setting.Key).Append("` | ").Append(Takes(setting)).Append(" | ")
                    .Append(spec.IsPerMember ? "per member" : "once").Append(" | ").Append(range).Append(" | ")
                    .Append(setting.Required ? "yes" : "no").Append(" | ").Append(Cell(spec.Doc)).Append(" |\n");
            }
            text.Append('\n');
        }

        if (clause.Sums.Any(sum => sum.Of is null))
        {
            // Sums the plug-in builds itself: the member-level stage computes them, as a built-in clause's.
            text.Append("## Sums over members\n\n| what | unit | computed for each member of the population |\n|---|---|---|\n");
            foreach (var sum in clause.Sums.Where(sum => sum.Of is null))
            {
                text.Append("| ").Append(Cell(sum.Description)).Append(" | ").Append(UnitName(sum.Unit)).Append(" | ").Append(Cell(sum.Formula.Replace("|", "or", StringComparison.Ordinal))).Append(" |\n");
            }
            text.Append('\n');
        }

        text.Append("## Values it defines\n\n");
        if (clause.Outputs.Count == 0)
        {
            text.Append("None.\n\n");
        }
        else
        {
            text.Append("| value | unit | what it is |\n|---|---|---|\n");
            foreach (var output in clause.Outputs)
            {
                text.Append("| `").Append(output.Name).Append("` | ").Append(UnitName(output.Unit)).Append(" | ").Append(Cell(output.Description)).Append(" |\n");
            }
            text.Append('\n');
        }

        text.Append("## Its diagnostic codes\n\n");
        if (clause.Codes.Count == 0)
        {
            text.Append("None: the plug-in reports only vbc's own codes.\n");
        }
        else
        {
            text.Append("| code | severity | problem | what to do |\n|---|---|---|---|\n");
            foreach (var code in clause.Codes)
            {
                text.Append("| ").Append(code.Code).Append(" | ").Append(code.IsError ? "error" : "warning").Append(" | ")
                    .Append(Cell(code.Title)).Append(" | ").Append(Cell(code.Fix)).Append(" |\n");
            }
        }
        return text.ToString();
    }

    private static Unit? UnitOf(SettingDeclaration setting) => setting switch
    {
        Setting<decimal> number => number.Unit,
        MemberSetting member => member.Unit,
        ListSetting list => list.Unit,
        TableSetting table => table.Results,
        BandsSetting bands => bands.Results,
        MoneyOrPmpmSetting => Unit.Money,
        _ => null,
    };

    private static string Count(int min, int max, string what) =>
        min == max ? $"exactly {min} {what}" : max == int.MaxValue ? $"at least {min} {what}" : $"{min} to {max} {what}";

    private static string KeyOrder(RowOrder order) =>
        order == RowOrder.Any ? "" : $", read {(order == RowOrder.Ascending ? "lowest" : "highest")} key first";

    private static string ResultOrder(RowOrder order) =>
        order == RowOrder.Any ? "" : $", results {(order == RowOrder.Ascending ? "rising" : "falling")} with the key";

    private static string Takes(SettingDeclaration setting) => setting switch
    {
        MemberSetting member => UnitName(member.Unit) + ", written over each member's columns",
        ListSetting list => $"list of {UnitName(list.Unit)}, {Count(list.MinItems, list.MaxItems, "values")}",
        TableSetting table => $"table: {UnitName(table.Keys)} -> {UnitName(table.Results)}, {Count(table.MinRows, table.MaxRows, "rows")}"
            + KeyOrder(table.KeyOrder) + ResultOrder(table.ResultOrder),
        BandsSetting bands => $"bands: ranges of {UnitName(bands.Keys)} -> {UnitName(bands.Results)}, no gaps or overlaps"
            + (bands.StartsAt is { } start ? $", from {Display.Format(start, Units.TypeOf(bands.Keys))}" : ""),
        MoneyOrPmpmSetting => $"{UnitName(Unit.Money)} or {UnitName(Unit.Pmpm)}",
        _ when setting.Spec.Shape == ParameterShape.Option => $"one of: {string.Join(", ", setting.Spec.Options ?? Array.Empty<string>())} (not written: {setting.Spec.Options?.FirstOrDefault()})",
        _ when UnitOf(setting) is { } unit => UnitName(unit),
        _ => setting.Spec.Type.Description,
    };

    private static string UnitName(Unit unit) => unit switch
    {
        Unit.Money => "money ($1,234.56)",
        Unit.Percent => "percent (12.5%)",
        Unit.Count => "count (5,000)",
        Unit.Pmpm => "money per member per month ($450.00 PMPM)",
        Unit.MemberMonths => "member months (54,088)",
        Unit.Percentile => "percentile (90th percentile)",
        _ => "number (1.02)",
    };

    /// <summary>Text from the plug-in, safe in a Markdown table cell: one line, pipes escaped.</summary>
    private static string Cell(string text, bool table = true)
    {
        string line = string.Join(' ', text.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return table ? line.Replace("|", "\\|", StringComparison.Ordinal) : line;
    }
}
