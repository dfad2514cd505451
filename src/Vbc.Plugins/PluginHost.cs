using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using Vbc.Clauses;
using Vbc.Clauses.Authoring;
using Vbc.Diagnostics;
using Vbc.Hosting;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Settlement;
using Binder = Vbc.Semantics.Binder;
using Location = Vbc.Diagnostics.Location;

namespace Vbc.Plugins;

/// <summary>A plug-in loaded into its own collectible load context, with what the statement pins of it.</summary>
public sealed class LoadedPlugin
{
    internal LoadedPlugin(string name, string scriptPath, string sha256, PluginClause kind, PluginCache.Outcome? cache, PluginLoadContext context)
    {
        Name = name;
        ScriptPath = scriptPath;
        Sha256 = sha256;
        Kind = kind;
        Cache = cache;
        _context = context;
        Context = new WeakReference(context);
    }

    private PluginLoadContext? _context;

    public string Name { get; }

    public string ScriptPath { get; }

    /// <summary>The SHA-256 of the script's source bytes.</summary>
    public string Sha256 { get; }

    public PluginClause Kind { get; }

    public IClauseKind ClauseKind => Kind;

    /// <summary>Where the compiled bytes came from: the cache (Hit), a fresh compile (Miss, Tampered), or null with no cache.</summary>
    public PluginCache.Outcome? Cache { get; }

    /// <summary>The load context, weakly: once unloaded and no longer used, it is collected.</summary>
    public WeakReference Context { get; }

    /// <summary>Starts unloading the plug-in's assembly; it goes once nothing uses its clause kind any more.</summary>
    public void Unload()
    {
        _context?.Unload();
        _context = null;
    }
}

/// <summary>What loading a contract's plug-ins gave: a registry with their clause kinds, the problems met, the plug-ins.</summary>
public sealed record PluginLoad(ClauseRegistry Registry, IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<LoadedPlugin> Plugins);

/// <summary>
/// Loads the plug-ins a contract names: finds each script (beside the contract, or in --plugins DIR), refuses one whose
/// source does not match its pin, compiles it (or takes it from the cache), loads it into a collectible context,
/// constructs its clause kind under the sandbox's limits and checks its declarations. Every problem is a diagnostic.
/// </summary>
public static class PluginHost
{
    /// <summary>Why a call guarded by ManagedRuntime.IsAvailable may use what trimming breaks.</summary>
    internal const string TrimJustification =
        "Guarded by ManagedRuntime.IsAvailable: the native vbc (the only trimmed build) removes the call; the managed vbc, which makes it, is never trimmed.";

    /// <summary>What a statement pins of a clause kind loaded from a script (name, keyword, version, SHA-256), or null for a built-in.</summary>
    public static PluginPin? PinOf(IClauseKind kind) => (kind as PluginClause)?.Pin;

    /// <summary>Parses nothing: binds the contract with its plug-ins' kinds, and the host's problems among its diagnostics.</summary>
    public static BoundContract Bind(ParsedContract parsed, PluginOptions? options = null) => Bind(parsed, ClauseRegistry.Default, options, session: null).Contract;

    /// <summary>
    /// Binds the contract: with <paramref name="registry"/> when it names no plug-ins, else with its plug-ins' kinds
    /// (loaded through <paramref name="session"/> when given, so a long-running tool compiles each script once).
    /// Returns the registry the contract was bound with, for the tools that complete and document its clauses.
    /// </summary>
    public static (BoundContract Contract, ClauseRegistry Registry) Bind(ParsedContract parsed, ClauseRegistry registry, PluginOptions? options, PluginSession? session)
    {
        var (references, _) = PluginReferences.Read(parsed);
        if (references.Count == 0)
        {
            return (Binder.Bind(parsed, registry), registry);
        }
        var load = Load(parsed, options, session);
        return (Binder.Bind(parsed, load.Registry, load.Diagnostics), load.Registry);
    }

    /// <exception cref="ManagedRuntimeRequiredException">In the native vbc, when the contract names plug-ins: scripts are compiled and loaded at run time.</exception>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = TrimJustification)]
    public static PluginLoad Load(ParsedContract parsed, PluginOptions? options = null, PluginSession? session = null)
    {
        options ??= PluginOptions.Default;
        var (references, _) = PluginReferences.Read(parsed);
        if (references.Count == 0)
        {
            return new PluginLoad(new ClauseRegistry(BuiltInClauses.All), Array.Empty<Diagnostic>(), Array.Empty<LoadedPlugin>());
        }
        if (!ManagedRuntime.IsAvailable)
        {
            throw new ManagedRuntimeRequiredException($"the contract '{parsed.Source.Path}' names plug-ins (C# scripts, compiled and loaded when they run)");
        }
        return LoadAll(parsed, references, options, session);
    }

    [RequiresDynamicCode("Compiles and loads the plug-ins' scripts.")]
    [RequiresUnreferencedCode("Loads the plug-ins' assemblies and finds their clause kinds by reflection.")]
    private static PluginLoad LoadAll(ParsedContract parsed, IReadOnlyList<PluginReference> references, PluginOptions options, PluginSession? session)
    {
        var registry = new ClauseRegistry(BuiltInClauses.All);
        var diagnostics = new List<Diagnostic>();
        var plugins = new List<LoadedPlugin>();
        var source = parsed.Source;
        string folder = Path.GetDirectoryName(Path.GetFullPath(source.Path)) ?? ".";
        foreach (var reference in references)
        {
            var candidates = Candidates(folder, reference, options).ToList();
            var path = candidates.FirstOrDefault(File.Exists);
            if (path is null)
            {
                diagnostics.Add(PluginDiagnostics.ScriptNotFound(source, reference.ScriptSpan, reference.Name, string.Join(", ", candidates.Select(c => $"'{c}'"))));
                continue;
            }
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                diagnostics.Add(PluginDiagnostics.ScriptNotFound(source, reference.ScriptSpan, reference.Name, $"'{path}': {e.Message.TrimEnd('.')}"));
                continue;
            }
            string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (reference.Sha256 is { } pin && pin != sha)
            {
                diagnostics.Add(PluginDiagnostics.PinMismatch(source, reference.PinSpan!.Value, reference.Name, pin, sha));
                continue;
            }
            var (plugin, problems) = session is null
                ? LoadScript(reference.Name, DisplayPath(path), bytes, sha, options)
                : session.LoadScript(reference.Name, path, DisplayPath(path), bytes, sha, options);
            diagnostics.AddRange(problems);
            if (plugin is null)
            {
                continue;
            }
            IClauseKind kind = plugin.Kind;
            if (registry.Find(kind.Keyword) is { } other || Binder.DeclarationBlocks.Contains(kind.Keyword))
            {
                string owner = plugins.FirstOrDefault(p => p.ClauseKind.Keyword == kind.Keyword) is { } earlier
                    ? $"the plug-in '{earlier.Name}'"
                    : "vbc's built-in clause";
                diagnostics.Add(PluginDiagnostics.KeywordClash(source, reference.NameSpan, reference.Name, kind.Keyword, owner));
                if (session is null)
                {
                    plugin.Unload(); // a session's plug-in may serve another contract
                }
                continue;
            }
            registry.Add(kind);
            plugins.Add(plugin);
        }
        return new PluginLoad(registry, diagnostics, plugins);
    }

    private static IEnumerable<string> Candidates(string contractFolder, PluginReference reference, PluginOptions options)
    {
        yield return Path.GetFullPath(Path.Combine(contractFolder, reference.Script));
        if (options.PluginsDirectory is { } shared)
        {
            yield return Path.GetFullPath(Path.Combine(shared, reference.Script));
            yield return Path.GetFullPath(Path.Combine(shared, Path.GetFileName(reference.Script)));
            yield return Path.GetFullPath(Path.Combine(shared, reference.Name + ".csx"));
        }
    }

    /// <summary>A path relative to the current folder when it is below it: how diagnostics name the script.</summary>
    private static string DisplayPath(string full)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
        return relative.StartsWith("..", StringComparison.Ordinal) ? full : relative;
    }

    /// <summary>Compiles (or takes from the cache), loads and constructs one script's clause kind.</summary>
    [RequiresDynamicCode("Compiles a script and loads the assembly emitted.")]
    [RequiresUnreferencedCode("Finds the clause kind in the loaded assembly by reflection.")]
    public static (LoadedPlugin? Plugin, IReadOnlyList<Diagnostic> Diagnostics) LoadScript(string name, string path, byte[] bytes, string sha256, PluginOptions options)
    {
        string key = ScriptCompiler.CacheKey(sha256);
        var cache = options.NoCache ? null : new PluginCache(options.CacheDirectory ?? PluginCache.DefaultDirectory());
        byte[]? assemblyBytes = null;
        PluginCache.Outcome? outcome = null;
        if (cache is not null)
        {
            (assemblyBytes, var found) = cache.TryRead(key);
            outcome = found;
        }
        if (assemblyBytes is null)
        {
            string text;
            try
            {
                text = new UTF8Encoding(false, true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                return (null, new[] { PluginDiagnostics.CompileError(Location.OfFile(path), "UTF-8", "the script is not UTF-8 text") });
            }
            var compiled = ScriptCompiler.Compile(path, text.TrimStart('\uFEFF'), key);
            if (compiled.Assembly is null)
            {
                return (null, compiled.Diagnostics);
            }
            assemblyBytes = compiled.Assembly;
            cache?.Write(key, assemblyBytes);
        }

        var context = new PluginLoadContext(name);
        Assembly assembly;
        try
        {
            assembly = context.LoadFromStream(new MemoryStream(assemblyBytes));
        }
        catch (BadImageFormatException e)
        {
            context.Unload();
            return (null, new[] { PluginDiagnostics.CompileError(Location.OfFile(path), "load", e.Message.TrimEnd('.')) });
        }
        List<Type> types;
        try
        {
            types = assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(PluginClause)) && !t.IsAbstract).ToList();
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileLoadException or FileNotFoundException or TypeLoadException)
        {
            // Compiled against an author API this vbc does not have (a cache entry of another build, say).
            context.Unload();
            return (null, new[] { PluginDiagnostics.CompileError(Location.OfFile(path), "load", $"the compiled plug-in does not load in this vbc: {e.Message.TrimEnd('.')}") });
        }
        var constructor = types.Count == 1 ? types[0].GetConstructor(Type.EmptyTypes) : null;
        if (constructor is null)
        {
            context.Unload();
            string problem = types.Count switch
            {
                0 => "The script declares no clause kind.",
                1 => $"The clause kind '{types[0].Name}' has no public constructor without parameters.",
                _ => $"The script declares {types.Count} clause kinds ({string.Join(", ", types.Select(t => t.Name))}).",
            };
            return (null, new[] { PluginDiagnostics.NoClauseKind(Location.OfFile(path), problem) });
        }

        var runner = new SandboxedRunner(options.Limits, path, assembly);
        PluginClause? kind = null;
        var failed = runner.Run(() =>
        {
            try
            {
                kind = (PluginClause)constructor.Invoke(null);
            }
            catch (TargetInvocationException e) when (e.InnerException is { } inner)
            {
                ExceptionDispatchInfo.Throw(inner);
            }
            kind.Freeze();
        }, new CallGate(), name, "loading", Location.OfFile(path));
        if (failed is not null || kind is null)
        {
            context.Unload();
            return (null, new[] { failed ?? PluginDiagnostics.NoClauseKind(Location.OfFile(path), "The clause kind could not be constructed.") });
        }
        if (kind.DeclarationProblems.Count > 0)
        {
            context.Unload();
            return (null, kind.DeclarationProblems
                .Select(p => PluginDiagnostics.BadDeclaration(p.Line > 0 ? new Location(path, p.Line, 1) : Location.OfFile(path), p.Problem))
                .ToList());
        }
        IClauseKind clauseKind = kind;
        kind.Pin = new PluginPin(name, clauseKind.Keyword, kind.FrozenVersion, sha256);
        kind.Runner = runner;
        return (new LoadedPlugin(name, path, sha256, kind, outcome, context), Array.Empty<Diagnostic>());
    }
}
