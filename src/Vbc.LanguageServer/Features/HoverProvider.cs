using Vbc.Clauses;
using Vbc.Navigation;
using Vbc.Semantics;
using Vbc.Syntax;
using Lsp = Vbc.LanguageServer.Protocol;

namespace Vbc.LanguageServer.Features;

/// <summary>Hover: a name's role, type and unit (and a constant's value), a clause's or setting's documentation.</summary>
public static class HoverProvider
{
    public static Lsp.Hover? Hover(DocumentAnalysis analysis, Lsp.Position position, LiveAmounts.Result? live = null)
    {
        int offset = analysis.OffsetOf(position);
        // On a clause's keyword the clause's documentation says more than the value it computes under that name.
        if (analysis.Index.At(offset) is { } found && !(found.IsDeclaration && found.Symbol is OutputSymbol { Producer.Kind.Naming: ClauseNaming.None }))
        {
            int? line = analysis.Index.DeclarationName(found.Symbol) is { } declared ? analysis.Source.GetPosition(declared.Start).Line : null;
            string text = Describe.Symbol(found.Symbol, line);
            if (LiveAmounts.Explain(live, found.Symbol) is { } formula)
            {
                text += "\n\n" + formula;
            }
            return new Lsp.Hover(Lsp.MarkupContent.Markdown(text), analysis.RangeOf(found.Span));
        }

        if (SyntaxLocator.PathAt(analysis.Parsed.Root, offset).OfType<CallSyntax>().LastOrDefault(c => Holds(c.FunctionSpan, offset)) is { } call
            && Describe.Function(call.Function) is { } functionDoc)
        {
            return new Lsp.Hover(Lsp.MarkupContent.Markdown(functionDoc), analysis.RangeOf(call.FunctionSpan));
        }

        if (PluginEntry(analysis, offset) is { } plugin)
        {
            return plugin;
        }

        var blocks = SyntaxLocator.EnclosingBlocks(analysis.Parsed.Root, offset);
        foreach (var block in SyntaxLocator.DescendantsAndSelf(analysis.Parsed.Root).OfType<BlockSyntax>())
        {
            if (Holds(block.Header.Span, offset))
            {
                string? doc = Binder.DeclarationBlocks.Contains(block.Header.Text)
                    ? Describe.Declarations(block.Header.Text)
                    : analysis.KindOf(block) is { } kind ? Describe.Clause(kind, analysis.ClauseOf(block)) : null;
                if (doc is not null && analysis.ClauseOf(block) is { } clause && LiveAmounts.ExplainClause(live, clause) is { } settled)
                {
                    doc += "\n" + settled;
                }
                return doc is null ? null : new Lsp.Hover(Lsp.MarkupContent.Markdown(doc), analysis.RangeOf(block.Header.Span));
            }
        }

        if (blocks.Count == 0)
        {
            return null;
        }
        var inner = blocks[^1];
        var entry = inner.Items.OfType<EntrySyntax>().FirstOrDefault(e => Holds(e.Span, offset));
        if (entry is null)
        {
            return null;
        }
        if (inner.Header.Text is "data" or "inputs")
        {
            return entry.Values.FirstOrDefault(v => Holds(v.Span, offset)) is { } typeWord
                ? new Lsp.Hover(Lsp.MarkupContent.Markdown(Describe.TypeWord(analysis.Source.GetText(typeWord.Span).Trim())), analysis.RangeOf(typeWord.Span))
                : null;
        }
        if (analysis.KindOf(inner) is not { } owner || owner.Parameters.FirstOrDefault(p => p.Key == entry.Key.Text) is not { } spec)
        {
            return null;
        }
        // The key, or an option word after it: both are documented by the setting's spec.
        SyntaxNode? on = Holds(entry.Key.Span, offset) ? entry.Key
            : spec.Shape == ParameterShape.Option ? entry.Values.FirstOrDefault(v => Holds(v.Span, offset)) : null;
        return on is null ? null : new Lsp.Hover(Lsp.MarkupContent.Markdown(Describe.Setting(owner, spec)), analysis.RangeOf(on.Span));
    }

    /// <summary>
    /// A plug-in named in the plugins block (its name, path or pin): the script, the clause it adds, the SHA-256 of its
    /// source and whether the pin matches it; for a script that did not load, the problem (a pin that does not match
    /// says both hashes).
    /// </summary>
    private static Lsp.Hover? PluginEntry(DocumentAnalysis analysis, int offset)
    {
        var (references, _) = PluginReferences.Read(analysis.Parsed);
        var reference = references.FirstOrDefault(r => new[] { r.NameSpan, r.ScriptSpan }.Concat(r.PinSpan is { } p ? new[] { p } : []).Any(s => Holds(s, offset)));
        if (reference is null)
        {
            return null;
        }
        var text = new System.Text.StringBuilder($"**plug-in `{reference.Name}`**: the script `{reference.Script}`");
        var loaded = analysis.Registry.Kinds.Select(Plugins.PluginHost.PinOf).FirstOrDefault(p => p?.Name == reference.Name);
        if (loaded is not null)
        {
            text.Append($" adds the clause `{loaded.Keyword}` (version {loaded.Version}).\n\nSHA-256 of its source: `{loaded.Sha256}`.\n\n");
            text.Append(reference.Sha256 is null
                ? $"Not pinned: write `sha256 \"{loaded.Sha256}\"` after the path to refuse any other script."
                : "Pinned: the contract refuses any script with another hash.");
        }
        else
        {
            var problem = analysis.Contract.Diagnostics.FirstOrDefault(d => d.Location.Span is { } at
                && (at.Start == reference.ScriptSpan.Start || at.Start == reference.NameSpan.Start || (reference.PinSpan is { } pin && at.Start == pin.Start)));
            text.Append(problem is null ? " is not loaded." : $" is not loaded: {problem.Code}: {problem.Message}");
        }
        var span = Holds(reference.NameSpan, offset) ? reference.NameSpan : Holds(reference.ScriptSpan, offset) ? reference.ScriptSpan : reference.PinSpan!.Value;
        return new Lsp.Hover(Lsp.MarkupContent.Markdown(text.ToString()), analysis.RangeOf(span));
    }

    private static bool Holds(Text.TextSpan span, int offset) => offset >= span.Start && offset <= span.End && span.Length > 0;
}
