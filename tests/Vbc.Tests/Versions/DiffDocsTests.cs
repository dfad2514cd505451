using System.Text.RegularExpressions;
using Vbc.Clauses;
using Vbc.Tests.Infrastructure;
using Vbc.Versions;

namespace Vbc.Tests.Versions;

/// <summary>docs/diff.md and the code in step: every rule documented, and the table of directions is the specs' own.</summary>
public class DiffDocsTests
{
    private static readonly string Doc = File.ReadAllText(Golden.PathOf("docs", "diff.md"));

    [Fact]
    public void Every_rule_is_documented_in_the_rule_table()
    {
        var missing = ContractDiff.Rules.Where(r => !Doc.Contains($"`{r}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "Rules missing from docs/diff.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_change_of_the_examples_carries_a_known_rule()
    {
        foreach (var row in DiffTests.Pairs())
        {
            var diff = DiffTests.Diff((string)row[1], (string)row[2]);
            Assert.All(diff.Changes, c => Assert.Contains(c.Rule, ContractDiff.Rules));
        }
    }

    [Fact]
    public void The_table_of_directions_lists_exactly_the_settings_that_declare_one()
    {
        var declared = ClauseRegistry.Default.Kinds
            .SelectMany(k => k.Parameters.Where(p => p.HigherFavours is not null).Select(p => $"{k.Keyword}|{p.Key}|{p.HigherFavours!.Value.ToString().ToLowerInvariant()}"))
            .OrderBy(s => s, StringComparer.Ordinal).ToList();
        var section = Doc[Doc.IndexOf("### Settings that declare a direction", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n### ", 5, StringComparison.Ordinal)];
        var documented = Regex.Matches(section, @"^\| `([^`]+)` \| `([^`]+)` \| (provider|payer) \|", RegexOptions.Multiline)
            .Select(m => $"{m.Groups[1].Value}|{m.Groups[2].Value}|{m.Groups[3].Value}")
            .OrderBy(s => s, StringComparer.Ordinal).ToList();
        Assert.Equal(declared, documented);
    }
}
