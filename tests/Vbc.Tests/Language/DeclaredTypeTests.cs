using Vbc.Parsing;
using Vbc.Semantics;

namespace Vbc.Tests.Language;

/// <summary>Every documented type word declares a column or an input, including the keyword 'pmpm'.</summary>
public class DeclaredTypeTests
{
    [Theory]
    [InlineData("pmpm")]
    [InlineData("PMPM")]
    [InlineData("money")]
    [InlineData("percent")]
    [InlineData("member_months")]
    public void A_type_word_declares_a_column_and_an_input(string type)
    {
        var text = $$"""
            contract "Types" {
              period: 2024-01-01 to 2024-12-31
            }

            data {
              member_id: id
              col: {{type}}
            }

            inputs {
              inp: {{type}}
            }
            """;
        var bound = Binder.Bind(ContractParser.Parse(text, "types.vbc"));
        Assert.DoesNotContain(bound.Diagnostics, d => d.Code is "VBC2019" || d.Code.StartsWith("VBC1", StringComparison.Ordinal));
        Assert.Equal(DeclaredTypes.ByName[type.ToLowerInvariant()], bound.Columns.Single(c => c.Name == "col").Type);
        Assert.Equal(DeclaredTypes.ByName[type.ToLowerInvariant()], bound.Inputs.Single(i => i.Name == "inp").Type);
    }

    [Fact]
    public void A_type_lost_to_a_syntax_error_is_not_reported_again_at_the_top_of_the_file()
    {
        var bound = Binder.Bind(ContractParser.Parse("contract \"T\" {\n  period: 2024-01-01 to 2024-12-31\n}\n\ninputs {\n  inp: *\n}\n", "types.vbc"));
        Assert.All(bound.Diagnostics, d => Assert.Equal(6, d.Location.Line));
    }
}

/// <summary>A character outside the BMP (an emoji) is one character in messages, spans and columns.</summary>
public class SurrogatePairTests
{
    [Fact]
    public void An_emoji_is_one_bad_character_shown_as_itself_at_its_column()
    {
        var parsed = ContractParser.Parse("contract \"A \U0001F600\" {\n  payer: \"\U0001F3E5\" \U0001F4B0\n}\n", "emoji.vbc");
        var d = Assert.Single(parsed.Diagnostics);
        Assert.Equal("VBC1004", d.Code);
        Assert.Contains("'\U0001F4B0'", d.Message);
        Assert.DoesNotContain("\uFFFD", d.Message);
        // "  payer: "🏥" 💰": the bad character is the 14th character of the line, though the 15th UTF-16 unit.
        Assert.Equal((2, 14), (d.Location.Line, d.Location.Column));
        Assert.Equal(2, d.Location.Span!.Value.Length);
    }
}
