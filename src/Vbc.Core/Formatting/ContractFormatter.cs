using System.Text;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Syntax;

namespace Vbc.Formatting;

/// <summary>
/// Prints a parsed contract in the one canonical layout. The output is built from the syntax tree; comments are
/// placed by their positions in the source:
/// <list type="bullet">
/// <item>2-space indentation, LF line endings, exactly one final newline, no trailing spaces;</item>
/// <item>top-level blocks separated by exactly one blank line; inside blocks and tables the author's blank lines
/// are kept, at most one, never right after <c>{</c> or right before <c>}</c>;</item>
/// <item>a comment on its own line stays on its own line before what follows it, at that item's indentation
/// (inside the block when a <c>}</c> follows); a comment after code stays at the end of that line;</item>
/// <item>a comment inside code that is printed on one line (an entry that spanned lines, a comment between two
/// words of a key) moves to its own line just before that line;</item>
/// <item>an entry that spanned several lines is joined into one; long lines are not wrapped;</item>
/// <item>a plug-in named in the <c>plugins</c> block's block form is written in its one-line form
/// (<c>name: "path.csx" sha256 "..."</c>).</item>
/// </list>
/// Formatting is idempotent and keeps the meaning: the formatted text parses to the same tree (spans aside), except
/// that a plug-in's block form becomes the one-line form, which names the same script and pin.
/// </summary>
public static class ContractFormatter
{
    private const string IndentUnit = "  ";

    /// <summary>Formats a contract that parsed without errors.</summary>
    /// <exception cref="ArgumentException">The contract has syntax errors: report its diagnostics instead.</exception>
    public static string Format(ParsedContract parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        if (parsed.HasErrors)
        {
            throw new ArgumentException(
                "A contract with syntax errors cannot be formatted; report its diagnostics instead.", nameof(parsed));
        }

        var layout = new LayoutBuilder(parsed.Source.Text, parsed.Comments);
        foreach (var block in parsed.Root.Blocks)
        {
            layout.AddBlock(block, 0);
        }
        return new Writer(parsed.Source.Text, parsed.Comments, layout.Lines).Write();
    }

    /// <summary>
    /// One output line of code and the source range it stands for (its first token's start to its last token's end),
    /// so that comments and blank lines can be placed around it.
    /// </summary>
    private sealed record Line(int Indent, string Text, int SourceStart, int SourceEnd)
    {
        /// <summary>Ends with <c>{</c>: no blank line after it.</summary>
        public bool Opens { get; init; }

        /// <summary>Starts with <c>}</c>: no blank line before it; comments before it belong inside.</summary>
        public bool Closes { get; init; }

        /// <summary>Closes a top-level block: whatever follows comes after exactly one blank line.</summary>
        public bool ClosesTopLevel { get; init; }

        public int CommentIndent => Closes ? Indent + 1 : Indent;
    }

    /// <summary>Walks the tree and lists the lines of code, in source order.</summary>
    private sealed class LayoutBuilder
    {
        private readonly string _text;
        private readonly Dictionary<int, int> _commentEnds = new();

        public LayoutBuilder(string text, IEnumerable<CommentSyntax> comments)
        {
            _text = text;
            foreach (var comment in comments)
            {
                _commentEnds[comment.Span.Start] = comment.Span.End;
            }
        }

        public List<Line> Lines { get; } = new();

        public void AddBlock(BlockSyntax block, int indent)
        {
            var header = new StringBuilder(SyntaxPrinter.Words(block.Header));
            if (block.Label is { } label)
            {
                header.Append(' ').Append(SyntaxPrinter.String(label.Value));
            }
            header.Append(" {");
            Lines.Add(new Line(indent, header.ToString(), block.Span.Start, block.OpenBrace.End) { Opens = true });

            foreach (var item in block.Items)
            {
                switch (item)
                {
                    case EntrySyntax entry:
                        AddEntry(entry, indent + 1);
                        break;
                    case BlockSyntax nested when indent == 0 && block.Header.Text == PluginReferences.Keyword && PluginReferences.Long(nested) is not null:
                        AddPluginOnOneLine(nested, indent + 1);
                        break;
                    case BlockSyntax nested:
                        AddBlock(nested, indent + 1);
                        break;
                    default:
                        throw new ArgumentException($"Cannot format a block item of kind {item.GetType().Name}.", nameof(block));
                }
            }

            Lines.Add(new Line(indent, "}", block.Span.End - 1, block.Span.End) { Closes = true, ClosesTopLevel = indent == 0 });
        }

        /// <summary>
        /// <c>key: value, value</c> on one line. A table value ends the line with <c>{</c>; its rows follow one level
        /// deeper and its <c>}</c> starts a line aligned with the key, on which any further values continue.
        /// </summary>
        private void AddEntry(EntrySyntax entry, int indent)
        {
            var line = new StringBuilder(SyntaxPrinter.Words(entry.Key)).Append(": ");
            int start = entry.Span.Start;
            bool closes = false;
            for (int i = 0; i < entry.Values.Count; i++)
            {
                if (i > 0)
                {
                    line.Append(", ");
                }
                if (entry.Values[i] is not TableSyntax table)
                {
                    line.Append(SyntaxPrinter.Value(entry.Values[i]));
                    continue;
                }

                if (table.By is { } by)
                {
                    line.Append("by ").Append(SyntaxPrinter.Expression(by)).Append(' ');
                }
                line.Append('{');
                int open = OpenBraceOf(table);
                Lines.Add(new Line(indent, line.ToString(), start, open + 1) { Opens = true, Closes = closes });
                foreach (var row in table.Rows)
                {
                    string text = SyntaxPrinter.Value(row.Key) + ": " + SyntaxPrinter.Value(row.Result);
                    Lines.Add(new Line(indent + 1, text, row.Span.Start, row.Span.End));
                }
                line.Clear().Append('}');
                start = table.Span.End - 1;
                closes = true;
            }
            if (entry.Pin is { } written)
            {
                line.Append(' ').Append(SyntaxPrinter.Words(written.Kind)).Append(' ').Append(SyntaxPrinter.String(written.Value.Value));
            }
            Lines.Add(new Line(indent, line.ToString(), start, entry.Span.End) { Closes = closes });
        }

        /// <summary>
        /// A plug-in named in the block form (<c>name { script: "..."  sha256: "..." }</c>) is written in the canonical
        /// one-line form, <c>name: "..." sha256 "..."</c>: the same reference, read the same way (PluginReferences).
        /// </summary>
        private void AddPluginOnOneLine(BlockSyntax plugin, int indent)
        {
            string Value(string key) => plugin.Items.OfType<EntrySyntax>().Where(e => e.Key.Text == key)
                .Select(e => SyntaxPrinter.Value(e.Values[0])).FirstOrDefault() ?? "";
            var line = new StringBuilder(SyntaxPrinter.Words(plugin.Header)).Append(": ").Append(Value("script"));
            if (Value(PluginReferences.PinKind) is { Length: > 0 } pin)
            {
                line.Append(' ').Append(PluginReferences.PinKind).Append(' ').Append(pin);
            }
            Lines.Add(new Line(indent, line.ToString(), plugin.Span.Start, plugin.Span.End));
        }

        /// <summary>The offset of a table's <c>{</c>: the first code character after <c>by expr</c>.</summary>
        private int OpenBraceOf(TableSyntax table)
        {
            int position = table.By?.Span.End ?? table.Span.Start;
            while (position < table.Span.End)
            {
                if (_commentEnds.TryGetValue(position, out int end))
                {
                    position = end;
                }
                else if (_text[position] == '{')
                {
                    return position;
                }
                else
                {
                    position++;
                }
            }
            throw new ArgumentException("A table has no opening brace: the contract has a syntax error.", nameof(table));
        }
    }

    /// <summary>Writes the lines of code with the comments and blank lines between them.</summary>
    private sealed class Writer
    {
        private readonly string _text;
        private readonly List<CommentSyntax> _comments;
        private readonly List<Line> _lines;
        private readonly StringBuilder _output = new();
        private int _nextComment;

        // What was written last: a line of code, a comment, or nothing yet; and where it ended in the source.
        private bool _atStart = true;
        private bool _lastOpens;
        private bool _lastClosesTopLevel;
        private int _lastEnd;

        public Writer(string text, IEnumerable<CommentSyntax> comments, List<Line> lines)
        {
            _text = text;
            _comments = comments.OrderBy(c => c.Span.Start).ToList();
            _lines = lines;
        }

        public string Write()
        {
            for (int i = 0; i < _lines.Count; i++)
            {
                var line = _lines[i];
                WriteCommentsBefore(line);

                StartLine(BlankLineBefore(line.SourceStart, line.Closes), line.Indent);
                _output.Append(line.Text);
                int end = line.SourceEnd;

                // Comments after the code on the same source line stay at the end of the line.
                int nextStart = i + 1 < _lines.Count ? _lines[i + 1].SourceStart : int.MaxValue;
                while (_nextComment < _comments.Count
                    && _comments[_nextComment].Span.Start < nextStart
                    && !HasLineBreak(end, _comments[_nextComment].Span.Start))
                {
                    var comment = _comments[_nextComment++];
                    _output.Append(' ').Append(CommentText(comment));
                    end = comment.Span.End;
                }
                EndLine();
                Remember(line.Opens, line.ClosesTopLevel, end);
            }

            // Comments after the last block stay at the end of the file.
            WriteComments(_comments.Count, indent: 0, lineStart: null);

            return _output.ToString();
        }

        /// <summary>
        /// The comments before a line of code, each on its own line at the indentation of what follows. Comments
        /// inside the line's source range (the line is printed joined) are moved there too, in order.
        /// </summary>
        private void WriteCommentsBefore(Line line)
        {
            int stop = _nextComment;
            while (stop < _comments.Count && _comments[stop].Span.Start < line.SourceEnd)
            {
                stop++;
            }
            WriteComments(stop, line.CommentIndent, line.SourceStart);
        }

        /// <param name="stop">Index of the first comment not to write.</param>
        /// <param name="indent">Indentation of the comments' lines.</param>
        /// <param name="lineStart">The source start of the line of code the comments precede. A comment inside that
        /// line counts as standing right before it, so no blank line is invented around it.</param>
        private void WriteComments(int stop, int indent, int? lineStart)
        {
            bool open = false;
            int previousEnd = -1;
            while (_nextComment < stop)
            {
                var comment = _comments[_nextComment++];
                int start = comment.Span.Start;
                int end = comment.Span.End;
                if (lineStart is int anchor && start >= anchor)
                {
                    start = anchor;
                    end = anchor;
                }

                // Comments that shared a source line share an output line.
                if (open && !HasLineBreak(previousEnd, comment.Span.Start))
                {
                    _output.Append(' ').Append(CommentText(comment));
                }
                else
                {
                    if (open)
                    {
                        EndLine();
                    }
                    StartLine(BlankLineBefore(start, nextCloses: false), indent);
                    _output.Append(CommentText(comment));
                    open = true;
                }
                previousEnd = comment.Span.End;
                Remember(opens: false, closesTopLevel: false, Math.Max(_lastEnd, end));
            }
            if (open)
            {
                EndLine();
            }
        }

        private bool BlankLineBefore(int sourceStart, bool nextCloses)
        {
            if (_atStart || _lastOpens || nextCloses)
            {
                return false;
            }
            return _lastClosesTopLevel || HasBlankLine(_lastEnd, sourceStart);
        }

        private void StartLine(bool blankLineBefore, int indent)
        {
            if (blankLineBefore)
            {
                _output.Append('\n');
            }
            for (int i = 0; i < indent; i++)
            {
                _output.Append(IndentUnit);
            }
        }

        private void EndLine() => _output.Append('\n');

        private void Remember(bool opens, bool closesTopLevel, int end)
        {
            _atStart = false;
            _lastOpens = opens;
            _lastClosesTopLevel = closesTopLevel;
            _lastEnd = end;
        }

        private bool HasLineBreak(int from, int to)
        {
            for (int i = Math.Max(0, from); i < to && i < _text.Length; i++)
            {
                if (_text[i] is '\n' or '\r')
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>Whether the source between two offsets holds a line with nothing but white space on it.</summary>
        private bool HasBlankLine(int from, int to)
        {
            bool afterBreak = false;
            bool onlySpace = false;
            for (int i = Math.Max(0, from); i < to && i < _text.Length; i++)
            {
                char c = _text[i];
                if (c == '\r' && i + 1 < to && _text[i + 1] == '\n')
                {
                    continue;
                }
                if (c is '\n' or '\r')
                {
                    if (afterBreak && onlySpace)
                    {
                        return true;
                    }
                    afterBreak = true;
                    onlySpace = true;
                }
                else if (!char.IsWhiteSpace(c) && c != '\uFEFF')
                {
                    onlySpace = false;
                }
            }
            return false;
        }

        /// <summary>
        /// A comment as written, except that its line breaks become LF and white space at the ends of its lines is
        /// dropped (the file has no trailing spaces). Block comments keep their inner lines verbatim otherwise.
        /// </summary>
        private static string CommentText(CommentSyntax comment)
        {
            string text = comment.Text.Replace("\r\n", "\n").Replace('\r', '\n');
            if (!text.Contains('\n'))
            {
                return text.TrimEnd();
            }
            return string.Join('\n', text.Split('\n').Select(l => l.TrimEnd()));
        }
    }
}
