using System.Globalization;
using System.Text;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Reports;

/// <summary>
/// The statement as plain text for a terminal: header, inputs, population, where the dollars went, every line
/// of the arithmetic grouped by clause, and the payments with their total. Same statement, same bytes.
/// </summary>
public static class TextStatementWriter
{
    private const int LabelWidth = 38;
    private const int ValueWidth = 20;

    public static string Write(Statement s)
    {
        var o = new StringBuilder();
        var c = s.Contract;
        o.Append("SETTLEMENT STATEMENT\n");
        o.Append(Rule('='));
        Field(o, "Contract", c.Name + (c.Version is null ? "" : $" (version {c.Version})"));
        if (c.Payer is not null || c.Provider is not null)
        {
            Field(o, "Parties", $"{c.Payer ?? "?"} (payer) and {c.Provider ?? "?"} (provider)");
        }
        if (s.Organisation is not null)
        {
            Field(o, "Organisation", s.Organisation);
        }
        if (c.PeriodStart is { } start && c.PeriodEnd is { } end)
        {
            Field(o, "Period", $"{start:yyyy-MM-dd} to {end:yyyy-MM-dd}");
        }
        Field(o, "Performance year", s.PerformanceYear.ToString(CultureInfo.InvariantCulture) + (s.Level is null ? "" : $" (level {s.Level})"));
        Field(o, "Contract file", s.ContractFile);
        if (s.Data is { } data)
        {
            Field(o, "Data", data.File);
        }
        if (s.Data is { Tables.Count: > 0 } several)
        {
            Section(o, "TABLES");
            o.Append($"  {"table",-12} {"rows",10} {"dollars",ValueWidth} {"no match",9} {"their dollars",ValueWidth}  file\n");
            foreach (var t in several.Tables)
            {
                o.Append($"  {Clip(t.Table, 12),-12} {Count(t.Rows),10} {t.Shown(t.Dollars),ValueWidth} {Count(t.UnmatchedRows),9} {t.Shown(t.UnmatchedDollars),ValueWidth}  {t.File}\n");
            }
            o.Append(several.Tables.All(t => t.Conserved)
                ? "  Each table's rows are all read; a row whose id matches no row of the table it joins to is counted in its own\n  table's clauses and reported (VBC3060). Per table: dollars in = excluded + carved out + truncated + counted.\n"
                : "  CHECK FAILED: a table's dollars do not add up.\n");
        }

        if (s.Inputs.Count > 0)
        {
            Section(o, "INPUTS");
            foreach (var input in s.Inputs)
            {
                o.Append($"  {input.Name,-32} {input.Shown,ValueWidth}  ({input.DeclaredType})\n");
            }
        }

        if (s.Population is { } p)
        {
            Section(o, "POPULATION");
            if (p.CostMeasured)
            {
                o.Append($"  {"",-44} {"rows",10} {"cost",ValueWidth}\n");
                o.Append($"  {"Rows read",-44} {Count(p.RowsRead),10} {Display.Money(p.InputCost),ValueWidth}\n");
            }
            else
            {
                o.Append($"  {"",-44} {"rows",10}\n");
                o.Append($"  {"Rows read",-44} {Count(p.RowsRead),10}\n");
            }
            foreach (var e in p.Exclusions.Where(e => e.Rows > 0))
            {
                string cost = p.CostMeasured ? $" {Display.Money(e.Cost),ValueWidth}" : "";
                o.Append($"  {Clip("- " + e.Reason, 44),-44} {Count(e.Rows),10}{cost}\n");
            }
            o.Append($"  {"= Members in the population",-44} {Count(p.Members),10}\n");
            o.Append($"  {"Member months",-44} {Display.Trimmed(p.MemberMonths, 4, 0, true),10}\n");
            if (s.Data is { ExcludedRows.Count: > 0 } d)
            {
                o.Append($"  Rows left out as unreadable or not computable: {d.ExcludedRows.Count} (listed at the end)\n");
            }

            Section(o, "DOLLARS IN AND OUT");
            if (!p.CostMeasured)
            {
                o.Append("  Not measured: the contract has no cost clause, so no member's cost is computed and the population's\n");
                o.Append("  dollars (in, excluded, counted) are not part of this settlement.\n");
            }
            else
            {
                Money(o, "Input cost (categories, all rows)", p.InputCost);
                Money(o, "- Excluded members", p.ExcludedCost);
                Money(o, "- Carved out", p.CarvedOut);
                Money(o, "- Truncated excess", p.TruncatedExcess);
                Money(o, "= Counted cost", p.CountedCost);
                if (p.TruncationRule is not null)
                {
                    o.Append($"  Truncation: {p.TruncationRule}; {Count(p.MembersTruncated)} members capped.\n");
                }
                o.Append(p.Conserved
                    ? "  Check: input = excluded + carved out + truncated + counted, exactly.\n"
                    : "  CHECK FAILED: the dollars do not add up.\n");
            }
        }

        Section(o, "SETTLEMENT");
        foreach (var ruleLine in Wrap(Display.Rule, 96))
        {
            o.Append("  ").Append(ruleLine).Append('\n');
        }
        string? clause = null;
        foreach (var line in s.Lines)
        {
            if (line.Clause != clause)
            {
                clause = line.Clause;
                o.Append($"\n  {clause}   [{line.Source}]\n");
            }
            string value = line.Kind switch
            {
                LineKind.Note => "",
                LineKind.Component => Display.Money(line.Amount!.Value),
                _ => line.Value is { } v && line.Unit is { } unit ? Display.Format(v, unit) : "",
            };
            string label = line.Kind == LineKind.Component ? "=> " + line.Label : line.Label;
            o.Append($"    {Clip(label, LabelWidth - 2),-36} {value,ValueWidth}   {line.Formula}\n");
        }

        Section(o, "PAYMENTS (payer to provider positive; each rounded to the cent, half away from zero)");
        foreach (var line in s.Components)
        {
            o.Append($"  {Clip(line.Label, 44),-44} {Display.Money(line.Amount!.Value),ValueWidth}\n");
        }
        o.Append($"  {new string('-', 44)} {new string('-', ValueWidth)}\n");
        string direction = s.Total > 0 ? "payer pays provider" : s.Total < 0 ? "provider pays payer" : "nothing to pay";
        o.Append($"  {"TOTAL (" + direction + ")",-44} {Display.Money(s.Total),ValueWidth}\n");

        if (s.Data is { } source && (source.ExcludedRows.Count > 0 || source.IgnoredColumns.Count > 0 || source.ClaimsNotes is { Count: > 0 }))
        {
            Section(o, "DATA NOTES");
            foreach (var note in source.ClaimsNotes ?? Array.Empty<ClaimsNote>())
            {
                o.Append($"  Not counted: {note.Claims:#,##0} {note.Reason}: {Display.Money(note.Dollars)}\n");
            }
            if (source.IgnoredColumns.Count > 0)
            {
                o.Append($"  Columns in the data that the contract does not use: {string.Join(", ", source.IgnoredColumns)}\n");
            }
            foreach (var row in source.ExcludedRows)
            {
                o.Append($"  {row.Where}: {row.Problem}; {row.DollarsShown}\n");
            }
        }
        if (s.Plugins.Count > 0)
        {
            Section(o, "PLUG-INS");
            o.Append("  Clauses of these kinds were settled by C# scripts. SHA-256 of each script's source:\n");
            foreach (var plugin in s.Plugins)
            {
                o.Append($"  {plugin.Name}: clause '{plugin.Keyword}', version {plugin.Version}\n");
                Field(o, "", "sha256 " + plugin.Sha256);
            }
        }
        if (s.Reproduce is { } r)
        {
            Section(o, "REPRODUCE");
            o.Append("  Settle the same files with the same vbc to get this statement again, byte for byte. SHA-256 of each file read:\n");
            Field(o, "  vbc version", r.VbcVersion);
            foreach (var file in r.Files)
            {
                Field(o, "  " + file.Role, file.Path);
                Field(o, "", "sha256 " + (file.Sha256 ?? "not computed: not a regular file"));
            }
            Field(o, "  Command", r.Command);
        }
        return o.ToString();
    }

    /// <summary>Splits text at spaces into lines of at most <paramref name="width"/> characters.</summary>
    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }
            line.Append(line.Length > 0 ? " " : "").Append(word);
        }
        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    private static void Field(StringBuilder o, string name, string value) => o.Append($"{name,-18}{value}\n");

    private static void Section(StringBuilder o, string title) => o.Append($"\n{title}\n{Rule('-')}");

    private static void Money(StringBuilder o, string label, decimal value) => o.Append($"  {label,-44} {"",10} {Display.Money(value),ValueWidth}\n");

    private static string Rule(char c) => new string(c, 100) + "\n";

    private static string Count(long n) => n.ToString("#,##0", CultureInfo.InvariantCulture);

    private static string Clip(string text, int width) => text.Length <= width ? text : text[..(width - 3)] + "...";
}
