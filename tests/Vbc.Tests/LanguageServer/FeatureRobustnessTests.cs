using Vbc.Clauses;
using Vbc.LanguageServer;
using Vbc.LanguageServer.Features;
using Vbc.Tests.Infrastructure;
using Lsp = Vbc.LanguageServer.Protocol;

namespace Vbc.Tests.LanguageServer;

/// <summary>
/// Any text gets an answer: every feature, at positions all over every example and invalid contract and over
/// half-typed prefixes of them (what an editor holds while the user types), answers without throwing.
/// </summary>
public sealed class FeatureRobustnessTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Golden.PathOf("contracts"), "*.vbc", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Golden.PathOf("tests", "invalid"), "*.vbc")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Golden.RepositoryRoot, file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_feature_answers_at_every_position_of_the_file_and_of_its_prefixes(string file)
    {
        string text = File.ReadAllText(Golden.PathOf(file));
        var texts = new List<string> { text };
        // Prefixes cut at arbitrary points: unclosed blocks, half a key, a dangling operator.
        for (int cut = 17; cut < text.Length; cut += Math.Max(97, text.Length / 12))
        {
            texts.Add(text[..cut]);
        }
        foreach (var t in texts)
        {
            var analysis = DocumentAnalysis.Analyze("file:///robust.vbc", 1, t, ClauseRegistry.Default);
            OutlineProvider.Symbols(analysis);
            OutlineProvider.Folding(analysis);
            EditProvider.Format(analysis);
            DiagnosticMapper.ToLsp(analysis);
            EditProvider.CodeActions(analysis, analysis.WholeRange);
            int step = t.Length == text.Length ? 3 : 29;
            for (int offset = 0; offset <= t.Length; offset += step)
            {
                var p = analysis.PositionOf(offset);
                HoverProvider.Hover(analysis, p);
                CompletionProvider.Complete(analysis, p);
                NavigationProvider.Definition(analysis, p);
                NavigationProvider.References(analysis, p, includeDeclaration: true);
                NavigationProvider.PrepareRename(analysis, p);
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("{{{{ }}}} : : : \"")]
    [InlineData("shared savings {\n  rate: (((((\n")]
    [InlineData("\u0000\u0001 data { x: id } \uFFFF")]
    public void Garbage_gets_answers_too(string text)
    {
        var analysis = DocumentAnalysis.Analyze("file:///garbage.vbc", 1, text, ClauseRegistry.Default);
        for (int offset = 0; offset <= text.Length; offset++)
        {
            var p = analysis.PositionOf(offset);
            HoverProvider.Hover(analysis, p);
            CompletionProvider.Complete(analysis, p);
            NavigationProvider.References(analysis, p, includeDeclaration: true);
        }
        // Positions past the end of a line or of the text are clamped, as editors may send them.
        CompletionProvider.Complete(analysis, new Lsp.Position(500, 500));
        HoverProvider.Hover(analysis, new Lsp.Position(0, 9999));
        OutlineProvider.Symbols(analysis);
        OutlineProvider.Folding(analysis);
    }
}
