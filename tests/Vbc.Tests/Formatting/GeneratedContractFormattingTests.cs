using System.Text;
using Vbc.Formatting;
using Vbc.Parsing;

namespace Vbc.Tests.Formatting;

/// <summary>
/// Contracts generated from the grammar with a seeded random generator: deep expressions with every operator
/// spelling, parentheses, ranges and tables, random keyword case, random spacing, line breaks wherever an entry may
/// continue, and comments. Each must format idempotently to text that parses to the same tree with the same
/// comments; this checks that no parenthesis is added or removed and that joined lines keep their meaning.
/// </summary>
public class GeneratedContractFormattingTests
{
    [Fact]
    public void Formats_generated_contracts_keeping_meaning_comments_and_idempotence()
    {
        for (int seed = 1; seed <= 150; seed++)
        {
            string text = new ContractGenerator(new Random(seed), BlockCommentFactAttribute.ParserAcceptsBlockComments).Contract();
            var parsed = ContractParser.Parse(text);
            Assert.False(parsed.HasErrors, $"seed {seed}: the generated text does not parse:\n"
                + string.Join('\n', parsed.Diagnostics) + "\n---\n" + text);

            string formatted;
            try
            {
                formatted = ContractFormatter.Format(parsed);
                FormatAssert.Invariants(parsed, formatted);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidOperationException($"seed {seed}:\n{text}", e);
            }
        }
    }

    /// <summary>Writes random contract text rule by rule, as a list of tokens joined by random layout.</summary>
    private sealed class ContractGenerator
    {
        private static readonly HashSet<string> Continuations = new(StringComparer.OrdinalIgnoreCase)
        {
            "(", ",", "+", "-", "\u2212", "*", "\u00D7", "/", "\u00F7", "of", "<", "<=", "\u2264", ">", ">=", "\u2265",
            "=", "==", "!=", "<>", "\u2260", "and", "or", "not", "if", "then", "else", "to", "by",
        };

        private readonly Random _random;
        private readonly bool _blockComments;
        private readonly StringBuilder _text = new();
        private int _comment;

        public ContractGenerator(Random random, bool blockComments)
        {
            _random = random;
            _blockComments = blockComments;
        }

        public string Contract()
        {
            int blocks = _random.Next(1, 4);
            for (int b = 0; b < blocks; b++)
            {
                Block(depth: 0);
                _text.Append('\n', _random.Next(1, 3));
            }
            return _text.ToString();
        }

        private void Block(int depth)
        {
            MaybeOwnLineComment();
            _text.Append(Word()).Append(' ').Append(Word());
            if (_random.Next(3) == 0)
            {
                _text.Append(_random.Next(2) == 0 ? " \"label \\\"q\\\"\"" : " \u201Clabel\u201D");
            }
            _text.Append(" {");
            MaybeTrailingComment();
            _text.Append('\n');
            int items = _random.Next(0, 5);
            for (int i = 0; i < items; i++)
            {
                if (depth < 2 && _random.Next(5) == 0)
                {
                    Block(depth + 1);
                }
                else
                {
                    Entry();
                }
                _text.Append('\n', _random.Next(1, 3));
            }
            MaybeOwnLineComment();
            _text.Append('}');
            MaybeTrailingComment();
        }

        private void Entry()
        {
            MaybeOwnLineComment();
            var tokens = new List<string> { Word(), Word(), ":" };
            int values = _random.Next(1, 3);
            for (int v = 0; v < values; v++)
            {
                if (v > 0)
                {
                    tokens.Add(",");
                }
                switch (_random.Next(8))
                {
                    case 0:
                        Range(tokens);
                        break;
                    case 1:
                        tokens.AddRange(["first", "Dollar"]);
                        break;
                    case 2:
                        Table(tokens);
                        break;
                    default:
                        Expression(tokens, 3);
                        break;
                }
            }
            Write(tokens);
            MaybeTrailingComment();
        }

        /// <summary>Writes tokens; a table's braces and rows carry their own line breaks.</summary>
        private void Write(List<string> tokens)
        {
            for (int i = 0; i < tokens.Count; i++)
            {
                string token = tokens[i];
                _text.Append(token);
                if (i + 1 == tokens.Count || token.StartsWith('\n') || tokens[i + 1].StartsWith('\n'))
                {
                    continue;
                }
                if (Continuations.Contains(token) && _random.Next(6) == 0)
                {
                    if (_random.Next(2) == 0)
                    {
                        _text.Append(" // c").Append(++_comment);
                    }
                    _text.Append('\n').Append(' ', _random.Next(0, 12));
                }
                else if (_blockComments && _random.Next(40) == 0)
                {
                    _text.Append(" /* c").Append(++_comment).Append(" */ ");
                }
                else
                {
                    _text.Append(_random.Next(5) == 0 ? "\t " : " ");
                }
            }
        }

        private void Table(List<string> tokens)
        {
            if (_random.Next(3) > 0)
            {
                tokens.Add(Case("by"));
                Expression(tokens, 1);
            }
            tokens.Add("{");
            int rows = _random.Next(0, 4);
            for (int r = 0; r < rows; r++)
            {
                tokens.Add("\n" + new string(' ', _random.Next(0, 8)) + (_random.Next(4) == 0 ? "\n" : ""));
                RowValue(tokens);
                tokens.Add(":");
                RowValue(tokens);
            }
            tokens.Add("\n");
            tokens.Add("}");
        }

        private void RowValue(List<string> tokens)
        {
            if (_random.Next(2) == 0)
            {
                Range(tokens);
            }
            else
            {
                Expression(tokens, 1);
            }
        }

        private void Range(List<string> tokens)
        {
            switch (_random.Next(5))
            {
                case 0:
                    Additive(tokens, 1);
                    tokens.Add(Case("to"));
                    Additive(tokens, 1);
                    break;
                case 1:
                    tokens.Add(Case("up"));
                    tokens.Add(Case("to"));
                    Additive(tokens, 1);
                    break;
                case 2:
                    tokens.Add(Case(_random.Next(2) == 0 ? "below" : "under"));
                    Additive(tokens, 1);
                    break;
                case 3:
                    tokens.Add(Case(_random.Next(2) == 0 ? "above" : "over"));
                    Additive(tokens, 1);
                    break;
                default:
                    Additive(tokens, 1);
                    tokens.Add(Case("and"));
                    tokens.Add(Case(_random.Next(2) == 0 ? "above" : "over"));
                    break;
            }
        }

        // ---- expressions, following the grammar's rules ---------------------------------------------------------------

        private void Expression(List<string> tokens, int depth)
        {
            if (depth > 0 && _random.Next(8) == 0)
            {
                tokens.Add(Case("if"));
                Expression(tokens, depth - 1);
                tokens.Add(Case("then"));
                Expression(tokens, depth - 1);
                tokens.Add(Case("else"));
                Expression(tokens, depth - 1);
                return;
            }
            Chain(tokens, depth, ["or"], And);
        }

        private void And(List<string> tokens, int depth) => Chain(tokens, depth, ["and"], Not);

        private void Not(List<string> tokens, int depth)
        {
            if (_random.Next(8) == 0)
            {
                tokens.Add(Case("not"));
                Not(tokens, depth);
                return;
            }
            Additive(tokens, depth);
            if (_random.Next(5) == 0)
            {
                tokens.Add(Pick("<", "<=", "\u2264", ">", ">=", "\u2265", "=", "==", "!=", "<>", "\u2260"));
                Additive(tokens, depth);
            }
        }

        private void Additive(List<string> tokens, int depth) => Chain(tokens, depth, ["+", "-", "\u2212"], Multiplicative);

        private void Multiplicative(List<string> tokens, int depth) => Chain(tokens, depth, ["*", "\u00D7", "/", "\u00F7", "of"], Unary);

        private void Unary(List<string> tokens, int depth)
        {
            if (_random.Next(8) == 0)
            {
                tokens.Add(Pick("-", "\u2212", "+"));
                Unary(tokens, depth);
                return;
            }
            Primary(tokens, depth);
        }

        private void Primary(List<string> tokens, int depth)
        {
            int choice = depth <= 0 ? _random.Next(10) : _random.Next(14);
            switch (choice)
            {
                case 0:
                    tokens.Add(Pick("5,000", "1.000", "0", "12.5"));
                    break;
                case 1:
                    tokens.Add(Pick("$1,015.00", "$7", "$0.50"));
                    break;
                case 2:
                    tokens.Add(Pick("$450.00", "450"));
                    tokens.Add(Pick("PMPM", "pmpm", "Pmpm"));
                    break;
                case 3:
                    tokens.Add(Pick("3.9%", "40%", "0.5%"));
                    break;
                case 4:
                    tokens.Add("2024-01-01");
                    break;
                case 5:
                    tokens.Add(Pick("\"text\"", "\"a \\\"q\\\" \\\\ b\"", "\u201Ccurly \"q\" \\\u201D", "\"\""));
                    break;
                case 6:
                    tokens.Add(Pick("true", "TRUE", "yes", "No", "false"));
                    break;
                case 7:
                    tokens.Add(Pick("99th", "50TH", "1st"));
                    tokens.Add(Case("percentile"));
                    break;
                case 8:
                case 9:
                    tokens.Add(Pick("benchmark", "quality_score", "Risk_Score", "x"));
                    break;
                case 10:
                case 11:
                    tokens.Add("(");
                    Expression(tokens, depth - 1);
                    tokens.Add(")");
                    break;
                case 12:
                    tokens.Add(Case(_random.Next(2) == 0 ? "lesser" : "greater"));
                    tokens.Add(Case("of"));
                    Additive(tokens, depth - 1);
                    tokens.Add(Case("and"));
                    Additive(tokens, depth - 1);
                    break;
                default:
                    tokens.Add(Pick("min", "clamp", "Max"));
                    tokens.Add("(");
                    int arguments = _random.Next(0, 4);
                    for (int a = 0; a < arguments; a++)
                    {
                        if (a > 0)
                        {
                            tokens.Add(",");
                        }
                        Expression(tokens, depth - 1);
                    }
                    tokens.Add(")");
                    break;
            }
        }

        /// <summary><c>operand (op operand)*</c>: longer chains at lower depth.</summary>
        private void Chain(List<string> tokens, int depth, string[] operators, Action<List<string>, int> operand)
        {
            operand(tokens, depth);
            int more = depth > 0 && _random.Next(3) == 0 ? _random.Next(1, 3) : 0;
            for (int i = 0; i < more; i++)
            {
                tokens.Add(Case(operators[_random.Next(operators.Length)]));
                operand(tokens, depth - 1);
            }
        }

        // ---- words, case, comments -------------------------------------------------------------------------------------

        private string Word() => Pick("Shared", "savings", "RATE", "cap", "minimum", "by", "to", "of", "pmpm", "applies", "If");

        private string Case(string word) => _random.Next(4) switch
        {
            0 => word.ToUpperInvariant(),
            1 => char.ToUpperInvariant(word[0]) + word[1..],
            _ => word,
        };

        private string Pick(params string[] choices) => choices[_random.Next(choices.Length)];

        private void MaybeOwnLineComment()
        {
            if (_random.Next(4) == 0)
            {
                _text.Append(' ', _random.Next(0, 6)).Append("// own ").Append(++_comment).Append('\n', _random.Next(1, 3));
            }
        }

        private void MaybeTrailingComment()
        {
            if (_random.Next(4) == 0)
            {
                _text.Append(' ', _random.Next(0, 3)).Append("// end ").Append(++_comment);
            }
        }
    }
}
