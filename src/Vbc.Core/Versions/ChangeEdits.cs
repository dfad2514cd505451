using Vbc.Semantics;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Versions;

/// <summary>
/// One edit of the old version's text: the text at <see cref="Span"/> (empty for an insertion) becomes <see cref="Text"/>.
/// A change is applied to the old version by its edits alone, so "the old version with these changes" is written as a
/// contract and goes through the one pipeline (parse, bind, settle): nothing evaluates a change in its own way.
/// </summary>
public sealed record SourceEdit(TextSpan Span, string Text)
{
    public bool IsInsertion => Span.Length == 0;
}

/// <summary>
/// The edits that apply one change to the old version: the new version's syntax node in place of the old one's
/// (a setting's entry, a row, an item, a clause's block, a declaration), a removed node deleted, an added node written
/// into the old version's container (the clause, table, set or block it belongs to), a renamed name rewritten at its
/// declaration and at every use. A change with no edits cannot be applied alone (the report says so).
/// </summary>
internal static class ChangeEdits
{
    public static IReadOnlyList<SourceEdit> Changed(ContractFact o, ContractFact n, BoundContract old, BoundContract @new)
    {
        if (o.Node.Length == 0 || n.Node.Length == 0)
        {
            return Array.Empty<SourceEdit>();
        }
        return new[] { new SourceEdit(o.Node, @new.Source.GetText(n.Node)) };
    }

    public static IReadOnlyList<SourceEdit> Relabelled(ContractFact o, ContractFact n, BoundContract @new) =>
        o.Head.Length == 0 || n.Head.Length == 0 ? Array.Empty<SourceEdit>() : new[] { new SourceEdit(o.Head, @new.Source.GetText(n.Head)) };

    public static IReadOnlyList<SourceEdit> Removed(ContractFact o, BoundContract old)
    {
        if (o.Node.Length == 0)
        {
            return Array.Empty<SourceEdit>();
        }
        var span = o.Node;
        if (o.Kind == FactKind.Item)
        {
            // 'a, b, c' less b is 'a, c': the item goes with the comma after it, or (the last item) the comma before it.
            string text = old.Source.Text;
            int after = span.End;
            while (after < text.Length && text[after] is ' ' or '\t')
            {
                after++;
            }
            if (after < text.Length && text[after] == ',')
            {
                after++;
                while (after < text.Length && char.IsWhiteSpace(text[after]))
                {
                    after++;
                }
                span = TextSpan.FromBounds(span.Start, after);
            }
            else
            {
                int before = span.Start;
                while (before > 0 && char.IsWhiteSpace(text[before - 1]))
                {
                    before--;
                }
                if (before > 0 && text[before - 1] == ',')
                {
                    span = TextSpan.FromBounds(before - 1, span.End);
                }
            }
        }
        return new[] { new SourceEdit(span, "") };
    }

    public static IReadOnlyList<SourceEdit> Added(ContractFact n, ContractFact? oldParent, BoundContract old, BoundContract @new)
    {
        if (n.Node.Length == 0)
        {
            return Array.Empty<SourceEdit>();
        }
        string text = @new.Source.GetText(n.Node);
        if (n.Kind == FactKind.Item)
        {
            // An item joins the old set after its last item.
            return oldParent is { Node.Length: > 0 } set ? new[] { new SourceEdit(new TextSpan(set.Node.End, 0), ", " + text) } : Array.Empty<SourceEdit>();
        }
        if (oldParent is not null)
        {
            return oldParent.Node.Length == 0 ? Array.Empty<SourceEdit>() : Before(old, oldParent.Node, text);
        }
        switch (n.Kind)
        {
            case FactKind.Clause:
                return new[] { new SourceEdit(new TextSpan(old.Source.Text.Length, 0), "\n" + text + "\n") };
            case FactKind.Metadata:
                return old.ContractBlock is { } block ? Before(old, block.Syntax.Span, text) : Array.Empty<SourceEdit>();
            case FactKind.Declaration:
                // Into the old version's block of the same header (inputs, values, data or a named table), else a new one.
                if (Enclosing(@new.Parsed.Root, n.Node) is not { } newBlock)
                {
                    return Array.Empty<SourceEdit>();
                }
                string header = Header(@new.Source, newBlock);
                var oldBlock = old.Parsed.Root.Blocks.FirstOrDefault(b => Header(old.Source, b) == header);
                return oldBlock is not null
                    ? Before(old, oldBlock.Span, text)
                    : new[] { new SourceEdit(new TextSpan(old.Source.Text.Length, 0), $"\n{header} {{\n  {text}\n}}\n") };
            default:
                return Array.Empty<SourceEdit>();
        }
    }

    /// <summary>A name renamed: its declaration and every use of it in the old version.</summary>
    public static IReadOnlyList<SourceEdit> Renamed(Symbol symbol, string newName, BoundContract old)
    {
        var edits = new List<SourceEdit>();
        if (symbol.Declaration.Length >= symbol.Name.Length
            && string.Equals(old.Source.GetText(new TextSpan(symbol.Declaration.Start, symbol.Name.Length)), symbol.Name, StringComparison.Ordinal))
        {
            edits.Add(new SourceEdit(new TextSpan(symbol.Declaration.Start, symbol.Name.Length), newName));
        }
        else
        {
            return Array.Empty<SourceEdit>();
        }
        foreach (var reference in old.References.Where(r => ReferenceEquals(r.Symbol, symbol)).Select(r => r.Span).Distinct().OrderBy(s => s.Start))
        {
            edits.Add(new SourceEdit(reference, newName));
        }
        return edits;
    }

    /// <summary>Text written into a block, table or clause of the old version, on its own line before its closing brace.</summary>
    private static IReadOnlyList<SourceEdit> Before(BoundContract old, TextSpan container, string text)
    {
        int brace = old.Source.Text.LastIndexOf('}', container.End - 1, container.Length);
        return brace < 0 ? Array.Empty<SourceEdit>() : new[] { new SourceEdit(new TextSpan(brace, 0), "\n  " + text + "\n") };
    }

    private static BlockSyntax? Enclosing(ContractSyntax root, TextSpan span) =>
        root.Blocks.FirstOrDefault(b => b.Span.Start <= span.Start && span.End <= b.Span.End);

    private static string Header(SourceText source, BlockSyntax block) =>
        source.GetText(TextSpan.FromBounds(block.Header.Span.Start, block.OpenBrace.Start)).Trim();
}

/// <summary>The old version with some of the changes applied, as text that parses and binds like any contract.</summary>
public static class AppliedChanges
{
    /// <summary>
    /// The old version's text with the edits of <paramref name="changes"/> applied. Insertions at one place keep the
    /// order of the changes; overlapping deletions (two items of one list) join. Edits that overlap otherwise cannot be
    /// applied apart: <see cref="Overlap"/> finds them first, and the priced diff applies such changes together.
    /// </summary>
    public static string Text(string old, IEnumerable<ContractChange> changes)
    {
        var edits = Merge(changes.SelectMany(c => c.Edits));
        var text = new System.Text.StringBuilder(old.Length + 256);
        int at = 0;
        foreach (var edit in edits)
        {
            if (edit.Span.Start < at)
            {
                // Inside a node already replaced by the new version's text, which holds this change too (a row of a
                // table whose whole entry changed, a renamed name inside a rewritten setting): nothing more to write.
                if (edit.Span.End <= at)
                {
                    continue;
                }
                throw new InvalidOperationException($"Edits overlap at offset {edit.Span.Start}: the changes must be applied together.");
            }
            text.Append(old, at, edit.Span.Start - at).Append(edit.Text);
            at = edit.Span.End;
        }
        return text.Append(old, at, old.Length - at).ToString();
    }

    /// <summary>Whether two changes' edits touch the same text (one inside the other, or an insertion inside a replaced node).</summary>
    public static bool Overlap(ContractChange a, ContractChange b) =>
        a.Edits.Any(x => b.Edits.Any(y => Touch(x, y) && !(x.Text.Length == 0 && y.Text.Length == 0 && !x.IsInsertion && !y.IsInsertion)));

    private static bool Touch(SourceEdit x, SourceEdit y)
    {
        if (x.IsInsertion && y.IsInsertion)
        {
            return false;
        }
        if (x.IsInsertion)
        {
            return y.Span.Start < x.Span.Start && x.Span.Start < y.Span.End;
        }
        if (y.IsInsertion)
        {
            return x.Span.Start < y.Span.Start && y.Span.Start < x.Span.End;
        }
        return x.Span.Start < y.Span.End && y.Span.Start < x.Span.End;
    }

    private static List<SourceEdit> Merge(IEnumerable<SourceEdit> all)
    {
        // Stable by start: insertions at one offset stay in the order of their changes, and come before a replacement there.
        // At one offset the longest replacement first, so that what lies inside it is recognised as inside.
        var sorted = all.Select((e, i) => (e, i)).OrderBy(x => x.e.Span.Start).ThenBy(x => x.e.IsInsertion ? 0 : 1).ThenByDescending(x => x.e.Span.Length).ThenBy(x => x.i).Select(x => x.e).ToList();
        var merged = new List<SourceEdit>();
        foreach (var edit in sorted)
        {
            if (merged.Count > 0 && merged[^1] is { IsInsertion: false, Text.Length: 0 } last && !edit.IsInsertion && edit.Text.Length == 0 && edit.Span.Start < last.Span.End)
            {
                merged[^1] = new SourceEdit(last.Span.Union(edit.Span), "");
                continue;
            }
            merged.Add(edit);
        }
        return merged;
    }
}
