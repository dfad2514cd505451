using Vbc.Clauses;
using Vbc.Navigation;
using Vbc.Parsing;
using Vbc.Plugins;
using Vbc.Semantics;
using Vbc.Text;
using Lsp = Vbc.LanguageServer.Protocol;

namespace Vbc.LanguageServer;

/// <summary>
/// One version of an open document, parsed and bound by Core exactly as <c>vbc check</c> does, with its reference
/// index. Every feature reads this; nothing in the server parses on its own.
/// </summary>
public sealed class DocumentAnalysis
{
    private DocumentAnalysis(string uri, int version, ParsedContract parsed, BoundContract contract, ClauseRegistry registry)
    {
        Uri = uri;
        Version = version;
        Parsed = parsed;
        Contract = contract;
        Registry = registry;
        Index = new ReferenceIndex(contract);
    }

    public string Uri { get; }

    public int Version { get; }

    public ParsedContract Parsed { get; }

    public BoundContract Contract { get; }

    public ClauseRegistry Registry { get; }

    public ReferenceIndex Index { get; }

    public SourceText Source => Parsed.Source;

    public static DocumentAnalysis Analyze(string uri, int version, string text, ClauseRegistry registry) =>
        Analyze(uri, version, text, registry, PluginOptions.Default, session: null);

    /// <summary>
    /// Parses and binds the text as <c>vbc check</c> does: a contract with a plugins block is bound with its plug-ins'
    /// clause kinds (loaded through the session, so each script is compiled once, not at every keystroke).
    /// </summary>
    public static DocumentAnalysis Analyze(string uri, int version, string text, ClauseRegistry registry, PluginOptions plugins, PluginSession? session)
    {
        var parsed = ContractParser.Parse(SourceText.From(text, Documents.PathOf(uri)));
        var (contract, bound) = PluginHost.Bind(parsed, registry, plugins, session);
        return new DocumentAnalysis(uri, version, parsed, contract, bound);
    }

    public int OffsetOf(Lsp.Position position) => Source.GetOffset(position.Line + 1, position.Character + 1);

    public Lsp.Position PositionOf(int offset)
    {
        var p = Source.GetPosition(offset);
        return new Lsp.Position(p.Line - 1, p.Column - 1);
    }

    public Lsp.Range RangeOf(TextSpan span) => new(PositionOf(span.Start), PositionOf(span.End));

    /// <summary>The range of the whole text, for edits that replace it.</summary>
    public Lsp.Range WholeRange => RangeOf(new TextSpan(0, Source.Text.Length));

    /// <summary>The bound clause made from a block, if the block is a clause.</summary>
    public BoundClause? ClauseOf(Syntax.BlockSyntax block)
    {
        IEnumerable<BoundClause> Walk(BoundClause c) => new[] { c }.Concat(c.Children.SelectMany(Walk));
        return Contract.Clauses.SelectMany(Walk).FirstOrDefault(c => ReferenceEquals(c.Syntax, block));
    }

    /// <summary>The clause kind a block header names, through the registry (script kinds included, when registered).</summary>
    public IClauseKind? KindOf(Syntax.BlockSyntax block) => block.Header.Words.Count == 0 ? null : Registry.Match(block.Header.Words.AsImmutableArray()).Kind;
}
