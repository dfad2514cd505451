using Vbc.Syntax;

namespace Vbc.Navigation;

/// <summary>
/// Finds the syntax at a position. Editors ask "what is under the cursor?" of any text, half typed or broken, so
/// nothing here assumes a well-formed tree: a node is on the path when its span holds the offset (a cursor just
/// after a word still counts as on it).
/// </summary>
public static class SyntaxLocator
{
    /// <summary>The nodes whose spans hold the offset, from the outermost block to the innermost node.</summary>
    public static IReadOnlyList<SyntaxNode> PathAt(ContractSyntax root, int offset)
    {
        var path = new List<SyntaxNode>();
        IEnumerable<SyntaxNode> level = root.Blocks;
        while (true)
        {
            var next = level.LastOrDefault(n => Holds(n, offset));
            if (next is null)
            {
                return path;
            }
            path.Add(next);
            level = ChildrenOf(next);
        }
    }

    /// <summary>The blocks whose braces hold the offset (between '{' and '}', or the end if unclosed), outermost first.</summary>
    public static IReadOnlyList<BlockSyntax> EnclosingBlocks(ContractSyntax root, int offset)
    {
        var blocks = new List<BlockSyntax>();
        IEnumerable<BlockSyntax> level = root.Blocks;
        while (level.LastOrDefault(b => offset >= b.OpenBrace.End && (offset < b.Span.End || (!b.IsClosed && offset <= b.Span.End))) is { } next)
        {
            blocks.Add(next);
            level = next.Items.OfType<BlockSyntax>();
        }
        return blocks;
    }

    /// <summary>Every node under (and including) a node, depth first in text order.</summary>
    public static IEnumerable<SyntaxNode> DescendantsAndSelf(SyntaxNode node)
    {
        var stack = new Stack<SyntaxNode>();
        stack.Push(node);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            yield return n;
            foreach (var child in ChildrenOf(n).Reverse())
            {
                stack.Push(child);
            }
        }
    }

    public static IEnumerable<SyntaxNode> ChildrenOf(SyntaxNode node) => node switch
    {
        ContractSyntax c => c.Blocks,
        BlockSyntax b => Optional(b.Header).Concat(Optional(b.Label)).Concat(b.Items),
        EntrySyntax e => Optional(e.Key).Concat(e.Values),
        RangeSyntax r => Optional(r.Low).Concat(Optional(r.High)),
        TableSyntax t => Optional(t.By).Concat(t.Rows),
        TableRowSyntax row => Optional(row.Key).Concat(Optional(row.Result)),
        PhraseSyntax p => Optional(p.Words),
        UnarySyntax u => Optional(u.Operand),
        BinarySyntax b => Optional(b.Left).Concat(Optional(b.Right)),
        IfSyntax i => Optional(i.Condition).Concat(Optional(i.WhenTrue)).Concat(Optional(i.WhenFalse)),
        CallSyntax c => c.Arguments,
        LesserGreaterSyntax lg => Optional(lg.Left).Concat(Optional(lg.Right)),
        ParenthesizedSyntax p => Optional(p.Inner),
        _ => Array.Empty<SyntaxNode>(),
    };

    private static IEnumerable<SyntaxNode> Optional(SyntaxNode? node) => node is null ? Array.Empty<SyntaxNode>() : new[] { node };

    private static bool Holds(SyntaxNode node, int offset) => offset >= node.Span.Start && offset <= node.Span.End;
}
