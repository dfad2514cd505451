using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using Vbc.Data;

namespace Vbc.MemberStage;

/// <summary>
/// Compiles the CSV reader's and the member-level stage's hot methods on a thread of its own, while the caller
/// parses and binds the contract. Those methods are marked AggressiveOptimization: they are never precompiled
/// (ReadyToRun) and would otherwise be compiled on their first call, by the reader's threads, when the file is
/// already being read. Start-up uses one core; this puts the other to work.
/// </summary>
public static class StageWarmup
{
    private static int _started;

    /// <summary>Starts compiling, once per process, on a background thread; returns at once.</summary>
    public static void Start()
    {
        // The native vbc has nothing to compile: every method was compiled when it was published.
        if (!RuntimeFeature.IsDynamicCodeSupported || Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }
        var thread = new Thread(Compile) { IsBackground = true, Name = "vbc warm-up" };
        thread.Start();
    }

    private static void Compile()
    {
        // Each hot type named where it is passed, so that its methods are known to be kept when code is trimmed.
        Prepare(typeof(CsvMemberReader));
        Prepare(typeof(ValueParsers));
        Prepare(typeof(CsvSyntax));
        Prepare(typeof(IdIndex));
        Prepare(typeof(MemberStageRunner));
    }

    private static void Prepare([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods)] Type type)
    {
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
        {
            if ((method.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) != 0 && !method.ContainsGenericParameters)
            {
                RuntimeHelpers.PrepareMethod(method.MethodHandle);
            }
        }
    }
}
