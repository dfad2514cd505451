using Vbc.Formatting;
using Vbc.Parsing;
using static Vbc.Tests.Formatting.FormatAssert;

namespace Vbc.Tests.Formatting;

/// <summary>
/// Golden tests: one small input and its expected canonical text per rule. Every case also checks, through
/// <see cref="FormatAssert.Invariants"/>, that the result is idempotent, keeps the tree and keeps every comment.
/// </summary>
public class ContractFormatterTests
{
    // ---- whole-file layout -------------------------------------------------------------------------------------------

    [Fact]
    public void Indents_with_two_spaces_per_level_and_writes_lf_without_trailing_spaces()
    {
        string input = "data {\r\n\tmember_id: id   \r\n        risk_score:ratio\t// note \t\r\n}\r\n\r\n\r\n";
        FormatsTo(input, """
            data {
              member_id: id
              risk_score: ratio // note
            }
            """);
    }

    [Fact]
    public void Ends_with_exactly_one_newline()
    {
        FormatsTo("data {\n  a: 1\n}", """
            data {
              a: 1
            }
            """);
        FormatsTo("\n\n\ndata {\n  a: 1\n}\n\n\n\n", """
            data {
              a: 1
            }
            """);
    }

    [Fact]
    public void Accepts_a_lone_carriage_return_as_a_line_break()
    {
        FormatsTo("data {\r  a: 1\r\r\r  b: 2\r}", """
            data {
              a: 1

              b: 2
            }
            """);
    }

    [Fact]
    public void Separates_top_level_blocks_by_exactly_one_blank_line()
    {
        string input = """
            contract "A" {
              version: "1"
            }
            data {
              a: id
            }



            inputs {
              q: percent
            }
            """;
        FormatsTo(input, """
            contract "A" {
              version: "1"
            }

            data {
              a: id
            }

            inputs {
              q: percent
            }
            """);
    }

    [Fact]
    public void Keeps_blank_lines_between_items_collapsed_to_one_and_none_after_open_or_before_close()
    {
        string input = """
            benchmark {


              base: $1,015.00 PMPM
              trend: 3.1%



              risk score: risk_score

              reference risk: 1.000


            }
            """;
        FormatsTo(input, """
            benchmark {
              base: $1,015.00 PMPM
              trend: 3.1%

              risk score: risk_score

              reference risk: 1.000
            }
            """);
    }

    [Fact]
    public void Keeps_the_order_of_items_and_indents_nested_blocks()
    {
        string input = """
            quality {
            weight: 1
                  measure diabetes_control {
              target: 80%
                      inner { x: 1 }
            }
              gate: 50%
            }
            """;
        FormatsTo(input, """
            quality {
              weight: 1
              measure diabetes_control {
                target: 80%
                inner {
                  x: 1
                }
              }
              gate: 50%
            }
            """);
    }

    // ---- block headers and entries -----------------------------------------------------------------------------------

    [Fact]
    public void Writes_block_headers_in_lower_case_with_single_spaces_and_a_quoted_label()
    {
        string input = """
            Shared    SAVINGS{
              rate: 40%
            }
            CORRIDOR   “REACH Global”{
              width: 2%
            }
            """;
        FormatsTo(input, """
            shared savings {
              rate: 40%
            }

            corridor "REACH Global" {
              width: 2%
            }
            """);
    }

    [Fact]
    public void Prints_an_empty_block_on_two_lines()
    {
        FormatsTo("inputs {}\ndata {   }\ncost {\n\n\n}", """
            inputs {
            }

            data {
            }

            cost {
            }
            """);
    }

    [Fact]
    public void Opens_a_block_written_on_one_line()
    {
        FormatsTo("population { include: attributed }", """
            population {
              include: attributed
            }
            """);
    }

    [Fact]
    public void Writes_entry_keys_in_lower_case_then_colon_space_and_values_separated_by_comma_space()
    {
        string input = """
            cost {
              Minimum   Savings RATE :2%
              categories:inpatient ,outpatient,   professional
              Sharing :   First Dollar
              max PMPM: 1
            }
            """;
        FormatsTo(input, """
            cost {
              minimum savings rate: 2%
              categories: inpatient, outpatient, professional
              sharing: First Dollar
              max pmpm: 1
            }
            """);
    }

    [Fact]
    public void Joins_an_entry_that_spans_lines_after_an_operator_or_a_comma()
    {
        string input = """
            cost {
              categories: inpatient,
                outpatient,
                professional
              rate: 40% *
                    quality_score +
                    (1 -
                     bonus)
              limit: min(a,
                         b)
              next: 1
            }
            """;
        FormatsTo(input, """
            cost {
              categories: inpatient, outpatient, professional
              rate: 40% * quality_score + (1 - bonus)
              limit: min(a, b)
              next: 1
            }
            """);
    }

    [Fact]
    public void Does_not_wrap_long_lines()
    {
        string longSum = string.Join(" + ", Enumerable.Range(1, 40).Select(i => $"category_{i}"));
        FormatsTo($"cost {{\n  total: {longSum}\n}}", $"cost {{\n  total: {longSum}\n}}");
    }

    // ---- tables ------------------------------------------------------------------------------------------------------

    [Fact]
    public void Lays_out_a_table_with_one_row_a_line_and_the_brace_aligned_with_the_key()
    {
        string input = """
            shared savings {
              minimum savings rate:   by   assigned_beneficiaries{
                      5,000 to 5,999 :3.9% to 3.6%


                6,000 to 6,999: 3.6% to 3.4%
              60,000 and over: 2.0%   }
              sharing: first dollar
            }
            """;
        FormatsTo(input, """
            shared savings {
              minimum savings rate: by assigned_beneficiaries {
                5,000 to 5,999: 3.9% to 3.6%

                6,000 to 6,999: 3.6% to 3.4%
                60,000 and above: 2.0%
              }
              sharing: first dollar
            }
            """);
    }

    [Fact]
    public void Lays_out_a_table_without_by_and_one_written_on_a_single_line()
    {
        string input = """
            bundles {
              prices: { "LEJR": $24,500
                        “CABG”: $41,200 }
              weights: { 1: 2 }
            }
            """;
        FormatsTo(input, """
            bundles {
              prices: {
                "LEJR": $24,500
                "CABG": $41,200
              }
              weights: {
                1: 2
              }
            }
            """);
    }

    [Fact]
    public void Continues_values_after_a_table_on_its_closing_line_and_prints_an_empty_table_on_two_lines()
    {
        string input = """
            a {
              mixed: 1, by x { 1: 2 }, 3, {
              }
              nested deeper {
                t: by y {
                  below 10: 1
                }
              }
            }
            """;
        FormatsTo(input, """
            a {
              mixed: 1, by x {
                1: 2
              }, 3, {
              }
              nested deeper {
                t: by y {
                  below 10: 1
                }
              }
            }
            """);
    }

    // ---- ranges ------------------------------------------------------------------------------------------------------

    [Fact]
    public void Writes_ranges_with_the_canonical_keywords()
    {
        string input = """
            r {
              a: 2024-01-01   TO 2024-12-31
              b: UP   TO 25%
              c: below 5
              d: UNDER 5
              e: above 7
              f: Over 7
              g: 60,000 and above
              h: 60,000 AND OVER
            }
            """;
        FormatsTo(input, """
            r {
              a: 2024-01-01 to 2024-12-31
              b: up to 25%
              c: below 5
              d: below 5
              e: above 7
              f: above 7
              g: 60,000 and above
              h: 60,000 and above
            }
            """);
    }

    // ---- expressions -------------------------------------------------------------------------------------------------

    [Fact]
    public void Puts_single_spaces_around_binary_operators_and_uses_canonical_spellings()
    {
        string input = "e {\n"
            + "  a: x+y-z\n"
            + "  b: x\u00D7y\u00F7z*w/v\n"
            + "  c: x\u2212y\n"
            + "  d: 10%   OF   benchmark\n"
            + "  e: x<y\n"
            + "  f: x\u2264y\n"
            + "  g: x<=y\n"
            + "  h: x\u2265y\n"
            + "  i: x>=y\n"
            + "  j: x>y\n"
            + "  k: x==y\n"
            + "  l: x=y\n"
            + "  m: x<>y\n"
            + "  n: x\u2260y\n"
            + "  o: x!=y\n"
            + "  p: a AND b Or c\n"
            + "}\n";
        FormatsTo(input, """
            e {
              a: x + y - z
              b: x * y / z * w / v
              c: x - y
              d: 10% of benchmark
              e: x < y
              f: x <= y
              g: x <= y
              h: x >= y
              i: x >= y
              j: x > y
              k: x = y
              l: x = y
              m: x != y
              n: x != y
              o: x != y
              p: a and b or c
            }
            """);
    }

    [Fact]
    public void Writes_unary_conditional_lesser_greater_and_calls_canonically()
    {
        string input = "e {\n"
            + "  a: - x\n"
            + "  b: \u2212 5%\n"
            + "  c: + x\n"
            + "  d: NOT   flag\n"
            + "  e: a - - b\n"
            + "  f: IF x>1 THEN a ELSE b\n"
            + "  g: LESSER   OF a+1 AND b\n"
            + "  h: Greater of a and b\n"
            + "  i: min( a ,b,c )\n"
            + "  j: clamp(x,40%,75%)\n"
            + "  k: now()\n"
            + "  l: not not x\n"
            + "}\n";
        FormatsTo(input, """
            e {
              a: -x
              b: -5%
              c: +x
              d: not flag
              e: a - -b
              f: if x > 1 then a else b
              g: lesser of a + 1 and b
              h: greater of a and b
              i: min(a, b, c)
              j: clamp(x, 40%, 75%)
              k: now()
              l: not not x
            }
            """);
    }

    [Fact]
    public void Keeps_the_authors_parentheses_exactly()
    {
        string input = """
            e {
              a: ( x + y ) * z
              b: ((x))
              c: x + (y * z)
              d: -( a )
              e: not (a or b)
              f: (if a then (b) else c)
              g: x - (y - z)
              h: min((a), (b + c))
            }
            """;
        FormatsTo(input, """
            e {
              a: (x + y) * z
              b: ((x))
              c: x + (y * z)
              d: -(a)
              e: not (a or b)
              f: (if a then (b) else c)
              g: x - (y - z)
              h: min((a), (b + c))
            }
            """);
    }

    [Fact]
    public void Keeps_operator_structure_without_parentheses()
    {
        // Printing flat must give back the same tree: left-associative chains and precedence need no parentheses.
        FormatsTo("e {\n  a: x - y - z / w of v\n  b: a or b and not c = d + e * f\n}", """
            e {
              a: x - y - z / w of v
              b: a or b and not c = d + e * f
            }
            """);
    }

    // ---- literals ----------------------------------------------------------------------------------------------------

    [Fact]
    public void Writes_numbers_money_and_percents_as_written()
    {
        FormatsTo("l {\n  a: $1,015.00\n  b: 3.9%\n  c: 1.000\n  d: 5,000\n  e: $7\n  f: 0.50%\n}", """
            l {
              a: $1,015.00
              b: 3.9%
              c: 1.000
              d: 5,000
              e: $7
              f: 0.50%
            }
            """);
    }

    [Fact]
    public void Writes_the_pmpm_unit_in_upper_case_after_a_single_space()
    {
        FormatsTo("l {\n  a: $450.00 pmpm\n  b: $1,015.00    Pmpm\n  c: 450\tPMPM\n  d: $3PMPM\n}", """
            l {
              a: $450.00 PMPM
              b: $1,015.00 PMPM
              c: 450 PMPM
              d: $3 PMPM
            }
            """);
    }

    [Fact]
    public void Writes_strings_in_straight_quotes_with_escapes()
    {
        string input = "s {\n"
            + "  a: \"plain\"\n"
            + "  b: \u201Ccurly \"quoted\" and back\\slash\u201D\n"
            + "  c: \"esc \\\" and \\\\ kept\"\n"
            + "  d: \"line\\nbreak and\\ttab\"\n"
            + "  e: \"\"\n"
            + "}\n";
        FormatsTo(input, """
            s {
              a: "plain"
              b: "curly \"quoted\" and back\\slash"
              c: "esc \" and \\ kept"
              d: "line\nbreak and\ttab"
              e: ""
            }
            """);
    }

    [Fact]
    public void Writes_booleans_in_lower_case_and_dates_and_percentiles_canonically()
    {
        FormatsTo("l {\n  a: TRUE\n  b: Yes\n  c: false\n  d: NO\n  e: 2024-01-01\n  f: 99TH   Percentile\n  g: 50th percentile\n}", """
            l {
              a: true
              b: yes
              c: false
              d: no
              e: 2024-01-01
              f: 99th percentile
              g: 50th percentile
            }
            """);
    }

    [Fact]
    public void Writes_keywords_in_lower_case()
    {
        FormatsTo("k {\n  a: IF X THEN Y ELSE Z\n  b: GREATER OF A AND B\n  c: UP TO 3 , NOT Flag\n}", """
            k {
              a: if X then Y else Z
              b: greater of A and B
              c: up to 3, not Flag
            }
            """);
    }

    // ---- comments ----------------------------------------------------------------------------------------------------

    [Fact]
    public void Keeps_an_own_line_comment_before_the_item_that_follows_at_its_indentation()
    {
        string input = """
            // About the contract.
                 // Second line.
            contract "A" {
            // The payer.
                    payer: "CMS"
                 // the version
              version: "1"
              nested {
            // deep
            x: 1
              }
            }
            """;
        FormatsTo(input, """
            // About the contract.
            // Second line.
            contract "A" {
              // The payer.
              payer: "CMS"
              // the version
              version: "1"
              nested {
                // deep
                x: 1
              }
            }
            """);
    }

    [Fact]
    public void Keeps_a_comment_before_a_closing_brace_inside_the_block()
    {
        string input = """
            data {
              a: id
            // last words
            }
            empty {
            // nothing yet
            }
            t {
              rows: by x {
                1: 2
                    // no more rows
              }
            }
            """;
        FormatsTo(input, """
            data {
              a: id
              // last words
            }

            empty {
              // nothing yet
            }

            t {
              rows: by x {
                1: 2
                // no more rows
              }
            }
            """);
    }

    [Fact]
    public void Keeps_comments_at_the_end_of_the_file_at_the_end()
    {
        string input = "data {\n  a: id\n}\n// the end\n\n\n// really\n\n";
        FormatsTo(input, """
            data {
              a: id
            }

            // the end

            // really
            """);
    }

    [Fact]
    public void Keeps_a_trailing_comment_at_the_end_of_its_line_after_one_space()
    {
        string input = """
            benchmark {    // the benchmark
              base: $1,015.00 PMPM// per member per month
              trend: 3.1%      // c
              t: by x {   // rows
                1: 2     // one
              }    // table done
            } // end
            data {
              a: id
            }
            """;
        FormatsTo(input, """
            benchmark { // the benchmark
              base: $1,015.00 PMPM // per member per month
              trend: 3.1% // c
              t: by x { // rows
                1: 2 // one
              } // table done
            } // end

            data {
              a: id
            }
            """);
    }

    [BlockCommentFact]
    public void Keeps_block_comments_verbatim()
    {
        // Only the first line of a block comment is indented; its other lines keep their columns as written.
        string input = """
            /*
             * Header box.
             *    indented    inside
             */
                data {
                  /* one line */
                  a: id /* trailing
                           on two lines */
                  b: id
                }
            """;
        FormatsTo(input, """
            /*
             * Header box.
             *    indented    inside
             */
            data {
              /* one line */
              a: id /* trailing
                           on two lines */
              b: id
            }
            """);
    }

    [BlockCommentFact]
    public void Drops_only_trailing_white_space_and_carriage_returns_inside_comments()
    {
        string input = "// line comment   \r\ndata {\r\n  /* block   \r\n   comment */  \r\n  a: id\r\n}\r\n";
        string formatted = Format(input);
        Assert.Equal("// line comment\ndata {\n  /* block\n   comment */\n  a: id\n}\n", formatted);
        Invariants(Parse(input), formatted);
    }

    [Fact]
    public void Keeps_at_most_one_blank_line_between_comments_and_items()
    {
        string input = """
            data {
              a: id


              // about b



              b: id
              // about c
              c: id

              // d

              d: id
            }
            """;
        FormatsTo(input, """
            data {
              a: id

              // about b

              b: id
              // about c
              c: id

              // d

              d: id
            }
            """);
    }

    [Fact]
    public void Separates_a_comment_between_top_level_blocks_from_the_previous_block()
    {
        string input = """
            data {
              a: id
            }
            // about inputs
            inputs {
              q: percent
            }
            // about cost

            cost {
              x: 1
            }
            """;
        FormatsTo(input, """
            data {
              a: id
            }

            // about inputs
            inputs {
              q: percent
            }

            // about cost

            cost {
              x: 1
            }
            """);
    }

    [Fact]
    public void Moves_a_comment_inside_an_entry_that_is_joined_to_its_own_line_before_the_entry()
    {
        string input = """
            cost {
              a: id

              rate: 40% *    // scaled by quality
                    quality_score +   // plus
                    bonus  // trailing stays
              categories: inpatient, // x
                outpatient
            }
            """;
        FormatsTo(input, """
            cost {
              a: id

              // scaled by quality
              // plus
              rate: 40% * quality_score + bonus // trailing stays
              // x
              categories: inpatient, outpatient
            }
            """);
    }

    [BlockCommentFact]
    public void Moves_a_comment_inside_a_header_or_before_code_on_its_line_to_its_own_line()
    {
        string input = """
            shared /* kind */ savings "x" {
              /* lead */ rate: 40%
              cap: $450.00 /* unit */ pmpm
            }
            """;
        FormatsTo(input, """
            /* kind */
            shared savings "x" {
              /* lead */
              rate: 40%
              /* unit */
              cap: $450.00 PMPM
            }
            """);
    }

    [BlockCommentFact]
    public void Keeps_several_comments_on_one_line_together()
    {
        string input = """
            data {
              a: id      /* a */   /* b */   // c
              t: by x {   /* rows */
                1: 2 /* one */ // two
              }
              /* d */   /* and more */   // and a line comment

              /* e */  b: id
              c: x + /* inner */ y /* after */
            }
            """;
        FormatsTo(input, """
            data {
              a: id /* a */ /* b */ // c
              t: by x { /* rows */
                1: 2 /* one */ // two
              }
              /* d */ /* and more */ // and a line comment

              /* e */
              b: id
              /* inner */
              c: x + y /* after */
            }
            """);
    }

    [BlockCommentFact]
    public void Moves_a_block_comment_inside_a_joined_entry_before_the_entry()
    {
        string input = """
            cost {
              rate: 40% * /* scaled */
                    quality_score + /* plus */ bonus
            }
            """;
        FormatsTo(input, """
            cost {
              /* scaled */
              /* plus */
              rate: 40% * quality_score + bonus
            }
            """);
    }

    [Fact]
    public void Keeps_comment_characters_inside_strings_as_text()
    {
        FormatsTo("data {\n  url: \"http://example.org/*x*/\" // real\n}", """
            data {
              url: "http://example.org/*x*/" // real
            }
            """);
    }

    // ---- errors ------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("data {\n  a: id\n")]
    [InlineData("data {\n  a: \n}")]
    [InlineData("data {\n  a: (1 + 2\n}")]
    [InlineData("data {\n  a: \"unclosed\n}")]
    [InlineData("data {\n  a: 1 # 2\n}")]
    [InlineData("data {\n  a: 1\n}\n}")]
    [InlineData("/* unclosed\ndata {\n}")]
    [InlineData("")]
    [InlineData("// only a comment\n")]
    public void Refuses_text_with_syntax_errors(string input)
    {
        var parsed = ContractParser.Parse(input);
        Assert.True(parsed.HasErrors);
        var error = Assert.Throws<ArgumentException>(() => ContractFormatter.Format(parsed));
        Assert.Contains("syntax error", error.Message);
    }

    [Fact]
    public void Refuses_null()
    {
        Assert.Throws<ArgumentNullException>(() => ContractFormatter.Format(null!));
    }

    [Fact]
    public void Leaves_canonical_text_unchanged()
    {
        string canonical = """
            // A contract in canonical layout.
            contract "A" {
              period: 2024-01-01 to 2024-12-31 // the year
            }

            shared savings {
              minimum savings rate: by assigned_beneficiaries {
                5,000 to 5,999: 3.9% to 3.6%
                60,000 and above: 2.0%
              }

              // how it is shared
              sharing: first dollar
              cap: lesser of 10% of benchmark and $450.00 PMPM
            }
            """;
        FormatsTo(canonical, canonical);
    }
}
