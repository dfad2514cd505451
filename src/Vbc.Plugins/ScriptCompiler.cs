using System.Collections.Immutable;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;
using Vbc.Clauses.Authoring;
using Vbc.Diagnostics;
using Diagnostic = Vbc.Diagnostics.Diagnostic;
using Location = Vbc.Diagnostics.Location;

namespace Vbc.Plugins;

/// <summary>
/// Compiles a plug-in script with Roslyn against reference assemblies (the .NET 10 reference pack and vbc's Vbc.Core),
/// checks it against the sandbox, injects the budget's checks, and emits an assembly with its PDB embedded (for
/// script positions in run-time errors). The scripting API's own runner is not used: each of its runs loads an
/// assembly that can never be unloaded; ours goes into a collectible load context.
/// </summary>
internal static class ScriptCompiler
{
    /// <summary>The compiler's version: part of the cache key, so a new Roslyn recompiles every plug-in.</summary>
    public static string CompilerVersion { get; } =
        typeof(CSharpCompilation).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(BesideVbc(typeof(PluginClause).Assembly)))
            .ToImmutableArray());

    private static readonly Lazy<MetadataReference> RuntimeReference = new(() => MetadataReference.CreateFromFile(BesideVbc(typeof(Runtime.Budget).Assembly)));

    /// <summary>
    /// The file of one of vbc's own assemblies: beside vbc (every build and publish that runs scripts keeps its
    /// assemblies as files there), not Assembly.Location, which is empty when an assembly is not loaded from a file.
    /// </summary>
    private static string BesideVbc(Assembly assembly) => Path.Combine(AppContext.BaseDirectory, assembly.GetName().Name + ".dll");

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.None, SourceCodeKind.Regular);

    /// <summary>The cache key: the source's SHA-256 and everything else that shapes the compiled bytes.</summary>
    public static string CacheKey(string sourceSha256) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{sourceSha256}\nauthor-api {AuthorApi.Version}\ncompiler {CompilerVersion}\nallow-list {Sandbox.Version}\nbuild {Build}")));

    // The identities of the two assemblies a compiled plug-in binds to (deterministic builds: they change only when
    // their code does), so that a cache entry never outlives the vbc it was compiled for.
    private static readonly string Build =
        $"{typeof(PluginClause).Assembly.ManifestModule.ModuleVersionId:N} {typeof(ScriptCompiler).Assembly.ManifestModule.ModuleVersionId:N}";

    public sealed record Result(byte[]? Assembly, IReadOnlyList<Diagnostic> Diagnostics);

    public static Result Compile(string path, string source, string key)
    {
        var text = SourceText.From(source, Encoding.UTF8);
        var tree = CSharpSyntaxTree.ParseText(text, ParseOptions, path);
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
            optimizationLevel: OptimizationLevel.Release, allowUnsafe: false, deterministic: true, nullableContextOptions: NullableContextOptions.Enable,
            // Overflow is an error in money arithmetic, never a silent wrap.
            checkOverflow: true);
        var compilation = CSharpCompilation.Create("vbc-plugin-" + key[..16], new[] { tree }, References.Value, options);

        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(20)
            .Select(d => PluginDiagnostics.CompileError(Where(d.Location, path), d.Id, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        if (errors.Count > 0)
        {
            return new Result(null, errors);
        }
        var refused = Sandbox.Check(compilation, tree)
            .Select(r => PluginDiagnostics.Refused(Where(r.At, path), r.What, r.Why))
            .ToList();
        if (refused.Count > 0)
        {
            return new Result(null, refused);
        }

        var metered = BudgetRewriter.Rewrite(tree, compilation.GetSemanticModel(tree));
        var final = compilation.ReplaceSyntaxTree(tree, metered).AddReferences(RuntimeReference.Value);
        using var peStream = new MemoryStream();
        EmitResult emitted = final.Emit(peStream, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.Embedded));
        if (!emitted.Success)
        {
            // The rewrite broke code that compiled: a defect in vbc, reported where it happened rather than thrown.
            return new Result(null, emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)
                .Select(d => PluginDiagnostics.CompileError(Where(d.Location, path), d.Id, "after vbc added its run-time checks (a defect in vbc: please report it with the script): " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)))
                .ToList());
        }
        return new Result(peStream.ToArray(), Array.Empty<Diagnostic>());
    }

    private static Location Where(Microsoft.CodeAnalysis.Location at, string path)
    {
        if (!at.IsInSource)
        {
            return Location.OfFile(path);
        }
        var span = at.GetLineSpan();
        return new Location(path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1);
    }
}
