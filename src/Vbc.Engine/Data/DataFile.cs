using Microsoft.Win32.SafeHandles;

namespace Vbc.Data;

/// <summary>
/// Opens the files vbc reads (member data, claims, inputs). The member reader needs random access: it reads the
/// file's length first and re-reads an earlier row to confirm a duplicate member id (so that memory stays at a few
/// bytes per row). A pipe, standard input (<c>/dev/stdin</c>) or a file whose size the system does not know
/// (<c>/proc</c> files say 0) cannot be read that way, so it is copied once, as it streams, into a temporary file
/// that is deleted when closed. A named pipe is opened when a program opens it to write; vbc waits up to
/// <see cref="WriterWait"/> for that, then stops with a message, so that it never blocks forever.
/// </summary>
public static class DataFile
{
    /// <summary>How long to wait for a program to open a named pipe for writing.</summary>
    public static TimeSpan WriterWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Opens <paramref name="path"/> for reading, as a regular file whose length is known. Throws
    /// <see cref="IOException"/> (or <see cref="UnauthorizedAccessException"/>) with a message for the user.
    /// </summary>
    public static OpenedFile Open(string path)
    {
        if (Directory.Exists(path))
        {
            throw new IOException($"'{path}' is a folder, not a file. Give the path of a file inside it.");
        }
        var stream = OpenWaiting(path);
        try
        {
            if (stream.CanSeek && stream.Length > 0)
            {
                return new OpenedFile(stream, stream.Length);
            }
            // A pipe or a file of unknown size: copy it once, as it streams.
            if (!stream.CanSeek)
            {
                Hosting.UnrepeatableReads.Record(path, null);
            }
            using (stream)
            {
                var copy = new FileStream(Path.Combine(Path.GetTempPath(), $"vbc-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite,
                    FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
                try
                {
                    stream.CopyTo(copy, 1 << 20);
                    copy.Flush();
                    return new OpenedFile(copy, copy.Length) { Spooled = !stream.CanSeek };
                }
                catch
                {
                    copy.Dispose();
                    throw;
                }
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A path that can be read more than once (settling many organisations reads the member file once each): the
    /// file itself when it is a regular file, else a temporary copy of what the pipe delivered, deleted on dispose.
    /// </summary>
    public static SpooledFile Spool(string path)
    {
        if (Directory.Exists(path))
        {
            throw new IOException($"'{path}' is a folder, not a file. Give the path of a file inside it.");
        }
        using var stream = OpenWaiting(path);
        if (stream.CanSeek && stream.Length > 0)
        {
            return new SpooledFile(path, null);
        }
        string copy = Path.Combine(Path.GetTempPath(), $"vbc-{Guid.NewGuid():N}.csv");
        try
        {
            using var target = new FileStream(copy, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            stream.CopyTo(target, 1 << 20);
        }
        catch
        {
            File.Delete(copy);
            throw;
        }
        return new SpooledFile(copy, copy);
    }

    /// <summary>All of a file's bytes, read as <see cref="Open"/> reads it.</summary>
    public static byte[] ReadAllBytes(string path)
    {
        using var file = Open(path);
        var bytes = new byte[file.Length];
        int got = 0;
        while (got < bytes.Length)
        {
            int n = RandomAccess.Read(file.Handle, bytes.AsSpan(got), got);
            if (n == 0)
            {
                Array.Resize(ref bytes, got);
                break;
            }
            got += n;
        }
        if (file.Spooled)
        {
            Hosting.UnrepeatableReads.Record(path, bytes);
        }
        return bytes;
    }

    private static FileStream OpenWaiting(string path)
    {
        // Opening a named pipe blocks until a writer opens it: do it aside, and give up after a while.
        var open = Task.Run(() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));
        try
        {
            if (open.Wait(WriterWait))
            {
                return open.Result;
            }
        }
        catch (AggregateException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
        // Release the waiting open: be the writer for an instant (it then reads an empty stream) and close both.
        _ = Task.Run(() =>
        {
            try
            {
                using var writer = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        });
        _ = open.ContinueWith(t => t.Result.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
        throw new IOException(
            $"no program opened it for writing within {WriterWait.TotalSeconds:0.#} seconds (it is a named pipe, which vbc reads once a program writes to it). "
            + "Start the program that writes to the pipe first, or save the data to a file and give that file.");
    }
}

/// <summary>A file open for random-access reading, with its length. Dispose it to close (a temporary copy is deleted).</summary>
public sealed class OpenedFile : IDisposable
{
    private readonly FileStream _stream;

    internal OpenedFile(FileStream stream, long length)
    {
        _stream = stream;
        Length = length;
    }

    public SafeFileHandle Handle => _stream.SafeFileHandle;

    public long Length { get; }

    /// <summary>Whether the file could not be read twice (a pipe, standard input) and this is the copy made as it streamed.</summary>
    public bool Spooled { get; init; }

    public void Dispose() => _stream.Dispose();
}

/// <summary>A readable path from <see cref="DataFile.Spool"/>; disposing deletes a temporary copy.</summary>
public sealed class SpooledFile : IDisposable
{
    private readonly string? _temporary;

    internal SpooledFile(string path, string? temporary)
    {
        Path = path;
        _temporary = temporary;
    }

    public string Path { get; }

    public void Dispose()
    {
        if (_temporary is not null)
        {
            try
            {
                File.Delete(_temporary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A temporary file left behind is harmless.
            }
        }
    }
}
