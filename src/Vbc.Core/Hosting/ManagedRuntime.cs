using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Vbc.Hosting;

/// <summary>
/// Whether this vbc runs on the .NET runtime, with a JIT and full reflection (<c>dotnet vbc.dll</c>, the ReadyToRun
/// publish, the tests), or is the native vbc compiled ahead of time (scripts/publish-native.sh), where code cannot be
/// generated or loaded at run time. What needs the runtime (C# script plug-ins, which Roslyn compiles and vbc loads;
/// the language server's JSON-RPC, which binds its methods by reflection) is reached only behind this property; the
/// native vbc hands such a command over to the managed copy published beside it
/// (<see cref="ManagedRuntimeRequiredException"/>).
/// </summary>
public static class ManagedRuntime
{
    /// <summary>
    /// True on the .NET runtime; false in the native vbc, where the compiler takes it as a constant and drops what it
    /// guards. It guards code that also needs untrimmed assemblies (RequiresUnreferencedCode): the managed vbc is never
    /// trimmed, so each such call site says so where it suppresses the trim warning.
    /// </summary>
    [FeatureGuard(typeof(RequiresDynamicCodeAttribute))]
    public static bool IsAvailable => RuntimeFeature.IsDynamicCodeSupported;
}

/// <summary>
/// What a command asked for cannot run in the native vbc (<see cref="ManagedRuntime.IsAvailable"/> is false): the
/// native vbc catches this and runs the whole command again in the managed vbc published beside it. Never thrown on
/// the .NET runtime.
/// </summary>
public sealed class ManagedRuntimeRequiredException(string reason) : Exception($"This needs the .NET runtime: {reason}.")
{
    /// <summary>What needs the runtime, as a phrase: "the contract 'x.vbc' names plug-ins (C# scripts compiled when they run)".</summary>
    public string Reason { get; } = reason;
}
