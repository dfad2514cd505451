using System.Globalization;
using System.Text;
using Antlr4.Runtime;
using FsCheck;
using FsCheck.Fluent;
using Vbc.Clauses;
using Vbc.Evaluation;
using Vbc.Parsing;
using Vbc.Parsing.Generated;
using Vbc.Semantics;
using Vbc.Syntax;
using Vbc.Tests.Infrastructure;
using Vbc.Versions;
using Xunit.Abstractions;

namespace Vbc.Tests.Versions;

/// <summary>
/// Properties of the diff over every example contract: rewrites that keep the meaning (equal literals spelled
/// otherwise, blocks, entries and table rows in another order, comments dropped and added, another layout) give an
/// empty diff; and every single-number mutation of a setting gives exactly one change, with the setting's (or
/// row's) id and the direction its kind declares.
/// </summary>
public class DiffProperties
{
    private readonly ITestOutputHelper _output;

    public DiffProperties(ITestOutputHelper output) => _output = output;

    private static readonly string[] Examples = Directory.GetFiles(Golden.PathOf("contracts"), "*.vbc", SearchOption.AllDirectories)
        .OrderBy(p => p, StringComparer.Ordinal).ToArray();

    // Through the plug-in host, so an example that uses a plug-in (found in plugins/ by name) binds as vbc binds it.
    private static BoundContract Bind(string text, string path) =>
        Vbc.Plugins.PluginHost.Bind(ContractParser.Parse(text, path), new Vbc.Plugins.PluginOptions { PluginsDirectory = Golden.PathOf("plugins") });

    // ---- rewrites that keep the meaning ------------------------------------------------------------------------------

    public sealed record Rewrite(int Example, int Seed, bool Literals, bool Reorder, bool Comments, bool Canonical)
    {
        public override string ToString() =>
            $"{Path.GetRelativePath(Golden.RepositoryRoot, Examples[Example])} seed {Seed} literals={Literals} reorder={Reorder} comments={Comments} canonical={Canonical}";
    }

    [Fact]
    public void Rewrites_that_keep_the_meaning_give_an_empty_diff()
    {
        var gen =
            from example in Gen.Choose(0, Examples.Length - 1)
            from seed in Gen.Choose(0, 1_000_000)
            from literals in ArbMap.Default.GeneratorFor<bool>()
            from reorder in ArbMap.Default.GeneratorFor<bool>()
            from comments in ArbMap.Default.GeneratorFor<bool>()
            from canonical in ArbMap.Default.GeneratorFor<bool>()
            select new Rewrite(example, seed, literals, reorder, comments, canonical);
        IEnumerable<Rewrite> Shrink(Rewrite r)
        {
            if (r.Literals) yield return r with { Literals = false };
            if (r.Reorder) yield return r with { Reorder = false };
            if (r.Comments) yield return r with { Comments = false };
            if (r.Canonical) yield return r with { Canonical = false };
        }
        var config = Config.QuickThrowOnFailure.WithMaxTest(150).WithQuietOnSuccess(true);
        Check.One(config, Prop.ForAll(Arb.From(gen, Shrink), (Rewrite r) =>
        {
            string original = File.ReadAllText(Examples[r.Example]);
            string rewritten = Apply(r, original);
            var old = Bind(original, "old.vbc");
            var @new = Bind(rewritten, "new.vbc");
            Assert.False(@new.HasErrors, $"{r}\n{string.Join("\n", @new.Diagnostics)}\n{rewritten}");
            var diff = ContractDiff.Compare(old, @new);
            Assert.True(diff.IsEmpty, $"{r}\n{string.Join("\n", diff.Changes.Select(c => $"{c.Id}: {c.Sentence}"))}\n{rewritten}");
        }));
    }

    /// <summary>Every rewrite at once on every example: the same as the property's cases, none left to chance.</summary>
    [Fact]
    public void Every_example_rewritten_every_way_at_once_gives_an_empty_diff()
    {
        for (int i = 0; i < Examples.Length; i++)
        {
            string original = File.ReadAllText(Examples[i]);
            foreach (bool canonical in new[] { false, true })
            {
                var r = new Rewrite(i, 7, true, true, true, canonical);
                string rewritten = Apply(r, original);
                Assert.NotEqual(original, rewritten);
                var diff = ContractDiff.Compare(Bind(original, "old.vbc"), Bind(rewritten, "new.vbc"));
                Assert.True(diff.IsEmpty, $"{r}\n{string.Join("\n", diff.Changes.Select(c => $"{c.Id}: {c.Sentence}"))}");
            }
        }
    }

    internal static string Apply(Rewrite r, string text)
    {
        var random = new Random(r.Seed);
        if (r.Literals)
        {
            text = RespellLiterals(text, random);
        }
        if (r.Reorder)
        {
            text = Reordered(text, random);
        }
        if (r.Canonical)
        {
            text = Vbc.Formatting.ContractFormatter.Format(ContractParser.Parse(text));
        }
        if (r.Comments)
        {
            text = WithComments(text, random);
        }
        return text;
    }

    /// <summary>50% as 0.5, $1,026.00 as $1026, 5,000 as 5000, 1.000 as 1: the same values spelled otherwise.</summary>
    private static string RespellLiterals(string text, Random random)
    {
        var lexer = new VbcLexer(new AntlrInputStream(text));
        lexer.RemoveErrorListeners();
        var tokens = lexer.GetAllTokens().Where(t => t.Type is VbcLexer.PERCENT or VbcLexer.MONEY or VbcLexer.NUMBER).ToList();
        var result = new StringBuilder(text);
        foreach (var token in Enumerable.Reverse(tokens))
        {
            if (random.Next(3) == 0)
            {
                continue;
            }
            string digits = token.Text.TrimStart('$').TrimEnd('%').Replace(",", "");
            decimal value = decimal.Parse(digits, CultureInfo.InvariantCulture);
            string spelled = token.Type switch
            {
                VbcLexer.PERCENT => Plain(value / 100m),
                VbcLexer.MONEY => "$" + Plain(value),
                _ => Plain(value),
            };
            result.Remove(token.StartIndex, token.StopIndex - token.StartIndex + 1).Insert(token.StartIndex, spelled);
        }
        return result.ToString();
    }

    private static string Plain(decimal value) => CanonicalExpression.Number(value);

    /// <summary>Blocks, the entries of each block and the rows of each table in a random order; comments between them are dropped.</summary>
    private static string Reordered(string text, Random random)
    {
        var parsed = ContractParser.Parse(text);
        string Slice(int start, int end) => text[start..end];
        string Table(TableSyntax t)
        {
            int brace = text.IndexOf('{', t.By?.Span.End ?? t.Span.Start);
            var rows = t.Rows.Select(row => Slice(row.Span.Start, row.Span.End)).OrderBy(_ => random.Next()).ToList();
            return Slice(t.Span.Start, brace) + "{\n" + string.Join("\n", rows) + "\n}";
        }
        string Item(BlockItemSyntax item) => item switch
        {
            BlockSyntax b => Block(b),
            EntrySyntax { Values: [TableSyntax t] } e => Slice(e.Span.Start, t.Span.Start) + Table(t),
            _ => Slice(item.Span.Start, item.Span.End),
        };
        string Block(BlockSyntax b)
        {
            var items = b.Items.Select(Item).OrderBy(_ => random.Next()).ToList();
            return Slice(b.Span.Start, b.OpenBrace.End) + "\n" + string.Join("\n", items) + "\n}";
        }
        return string.Join("\n\n", parsed.Root.Blocks.Select(Block).OrderBy(_ => random.Next())) + "\n";
    }

    private static string WithComments(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        for (int i = lines.Count - 1; i >= 0; i--)
        {
            if (lines[i].TrimEnd().EndsWith('{') && random.Next(2) == 0)
            {
                lines.Insert(i + 1, $"  // reviewer's note {random.Next(1000)}: see the amendment");
            }
        }
        lines.Insert(0, "// Version under review.");
        return string.Join("\n", lines);
    }

    // ---- single mutations ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Every number written in a setting or in a row's result, in every example, moved up and then down: the diff
    /// finds exactly one change, with the setting's or row's id; where the number is the whole setting (or the
    /// constant factor of a product the spec keeps non-negative) and the kind declares which party a higher value
    /// favours, the direction is that party's (or the other's when it falls); otherwise "depends".
    /// </summary>
    [Fact]
    public void Every_single_setting_mutation_of_every_example_gives_one_change_with_its_id_and_direction()
    {
        int mutations = 0, graded = 0, refused = 0;
        lock (Graded)
        {
            Graded.Clear();
        }
        foreach (var path in Examples)
        {
            string text = File.ReadAllText(path);
            var original = Bind(text, "old.vbc");
            var model = ContractModel.Of(original);
            var lexer = new VbcLexer(new AntlrInputStream(text));
            lexer.RemoveErrorListeners();
            foreach (var token in lexer.GetAllTokens().Where(t => t.Type is VbcLexer.PERCENT or VbcLexer.MONEY or VbcLexer.NUMBER))
            {
                var fact = Owner(model, token.StartIndex);
                if (fact is null)
                {
                    continue;
                }
                foreach (bool up in new[] { true, false })
                {
                    var (mutated, moved) = Mutate(text, token, fact, up);
                    if (mutated is null)
                    {
                        continue;
                    }
                    var changed = Bind(mutated, "new.vbc");
                    if (changed.HasErrors)
                    {
                        // A value the contract refuses (a level's years overlapping another's): nothing to compare.
                        refused++;
                        continue;
                    }
                    mutations++;
                    var diff = ContractDiff.Compare(original, changed);
                    string where = $"{Path.GetFileName(path)} token '{token.Text}' at {token.Line}:{token.Column} {(up ? "up" : "down")}";
                    var change = Assert.Single(diff.Changes);
                    Assert.True(fact.Id == change.Id, $"{where}: expected id {fact.Id}, got {change.Id}");
                    var expected = Expected(fact, token, moved);
                    if (expected is { } direction)
                    {
                        graded++;
                        if (direction is ChangeDirection.FavoursProvider or ChangeDirection.FavoursPayer)
                        {
                            Graded.Add((path, mutated, direction, where));
                        }
                        Assert.True(direction == change.Direction, $"{where}: expected {direction}, got {change.Direction} ({change.Sentence})");
                    }
                    else
                    {
                        // The exact grade is not worked out here; it must at least never be a party the kind does not declare.
                        Assert.True(change.Direction is ChangeDirection.Depends || fact.Spec?.HigherFavours is not null || fact.Kind == FactKind.Metadata,
                            $"{where}: {change.Direction} for a setting that declares no direction");
                    }
                }
            }
        }
        _output.WriteLine($"{mutations} mutations compared ({graded} with their direction checked), {refused} refused by the binder.");
        Assert.True(mutations > 300, $"only {mutations} mutations");
        Assert.True(graded > 60, $"only {graded} graded");
    }

    private static readonly List<(string Path, string Mutated, ChangeDirection Direction, string Where)> Graded = new();

    /// <summary>
    /// A change graded as favouring a side must move the settlement that way (or not at all) on data: a sample of the
    /// graded single-number mutations, each version settled on the sample data with the command in its header.
    /// The statement's total is payer to provider positive.
    /// </summary>
    [Fact]
    public void A_graded_change_never_moves_the_settlement_against_the_side_it_favours()
    {
        lock (Graded)
        {
            if (Graded.Count == 0)
            {
                Every_single_setting_mutation_of_every_example_gives_one_change_with_its_id_and_direction();
            }
        }
        var settled = Graded.Where(g => SettleCommand(File.ReadAllText(g.Path)) is not null).ToList();
        Assert.True(settled.Count > 40, $"only {settled.Count} graded mutations of examples with a settle command");
        int step = Math.Max(1, settled.Count / 40), checkedCount = 0, moved = 0;
        string dir = Directory.CreateTempSubdirectory("vbc-diff-settle-").FullName;
        try
        {
            for (int i = 0; i < settled.Count; i += step)
            {
                var (path, mutated, direction, where) = settled[i];
                var args = SettleCommand(File.ReadAllText(path))!;
                decimal? before = Total(args, Path.GetRelativePath(Golden.RepositoryRoot, path));
                string file = Path.Combine(dir, $"m{i}.vbc");
                File.WriteAllText(file, mutated);
                decimal? after = Total(args, file);
                if (before is null || after is null)
                {
                    continue;
                }
                checkedCount++;
                moved += after != before ? 1 : 0;
                Assert.True(direction == ChangeDirection.FavoursProvider ? after >= before : after <= before,
                    $"{where}: graded {direction}, but the total went from {before} to {after}");
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
        _output.WriteLine($"{checkedCount} graded mutations settled, {moved} of them moved the total.");
        Assert.True(checkedCount >= 30, $"only {checkedCount} settled");
        Assert.True(moved >= 10, $"only {moved} moved the total: the sample tests little");
    }

    private static string[]? SettleCommand(string text)
    {
        var m = System.Text.RegularExpressions.Regex.Match(text, @"^// Settle[^:\n]*: vbc settle (\S+) (.*)$", System.Text.RegularExpressions.RegexOptions.Multiline);
        return m.Success ? CliRunner.Split(m.Groups[2].Value) : null;
    }

    private static decimal? Total(string[] args, string contract)
    {
        var result = CliRunner.Run(new[] { "settle", contract }.Concat(args).Concat(new[] { "--format", "json" }).ToArray());
        if (result.ExitCode != 0)
        {
            return null;
        }
        using var doc = System.Text.Json.JsonDocument.Parse(result.Output);
        return decimal.Parse(doc.RootElement.GetProperty("total").GetString()!, CultureInfo.InvariantCulture);
    }

    /// <summary>The innermost setting or row result (not a key, not a set item, not a value's definition) holding the offset.</summary>
    private static ContractFact? Owner(ContractModel model, int offset)
    {
        bool Holds(Vbc.Text.TextSpan? span) => span is { } s && s.Start <= offset && offset < s.End;
        var rows = model.Facts.Where(f => f.Kind == FactKind.Row && (Holds(f.Value?.Span) || Holds(f.ValueRange?.Span))).ToList();
        if (rows.Count > 0)
        {
            return rows[^1];
        }
        if (model.Facts.Any(f => f.Kind is FactKind.Row or FactKind.Item or FactKind.Declaration && Holds(f.Where.Span)))
        {
            return null;
        }
        return model.Facts.LastOrDefault(f => f.Kind is FactKind.Setting or FactKind.Metadata && !f.IsTable && Holds(f.Where.Span));
    }

    private static (string? Text, int Moved) Mutate(string text, IToken token, ContractFact fact, bool up)
    {
        string digits = token.Text.TrimStart('$').TrimEnd('%').Replace(",", "");
        decimal value = decimal.Parse(digits, CultureInfo.InvariantCulture);
        bool percent = token.Type == VbcLexer.PERCENT;
        bool whole = !digits.Contains('.') && !percent && token.Type != VbcLexer.MONEY;
        // Percents stay within 0% and 100% and years and counts stay whole: a value the kind accepts.
        decimal next = percent
            ? (up ? value + (100m - value) / 2m : value / 2m)
            : whole ? (up ? value + 1 : value - 1) : (up ? value * 1.5m : value / 2m);
        if (next == value || next < 0)
        {
            return (null, 0);
        }
        next = Math.Round(next, whole ? 0 : 4);
        string spelled = token.Type switch
        {
            VbcLexer.PERCENT => Plain(next) + "%",
            VbcLexer.MONEY => "$" + Plain(next),
            _ => Plain(next),
        };
        return (text[..token.StartIndex] + spelled + text[(token.StopIndex + 1)..], next.CompareTo(value));
    }

    /// <summary>The direction when it follows from the spec alone: the number is the value, or c in c x X under a spec that keeps the setting non-negative.</summary>
    private static ChangeDirection? Expected(ContractFact fact, IToken token, int moved)
    {
        if (fact.Kind == FactKind.Metadata)
        {
            return fact.Id == "contract.period" ? ChangeDirection.Depends : ChangeDirection.Neutral;
        }
        if (fact.Spec?.HigherFavours is not { } party)
        {
            return fact.ValueRange is null && fact.Value is not null ? ChangeDirection.Depends : null;
        }
        var value = fact.Value;
        bool whole = value is BoundLiteral && value.Span.Start == token.StartIndex;
        bool factor = value is BoundBinary { Operator: BinaryOperator.Multiply or BinaryOperator.Of, Left: BoundLiteral l } && l.Span.Start == token.StartIndex
            && fact.Spec.Min >= 0 && Evaluator.TryConstant(l) is { Number: > 0 };
        if (!whole && !factor)
        {
            return null;
        }
        return (party == Party.Provider) == (moved > 0) ? ChangeDirection.FavoursProvider : ChangeDirection.FavoursPayer;
    }
}
