using System.Reflection;
using System.Runtime.InteropServices;

namespace SharpKeras.Distribution.Mpi;

/// <summary>
/// The few calls of OpenMPI's C library (libmpi.so.40) data-parallel training needs. OpenMPI's
/// handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM) are the addresses of exported globals, read once
/// from the loaded library; MPI_IN_PLACE is (void*)1 and MPI_STATUS_IGNORE null, as in its mpi.h.
/// </summary>
internal static unsafe partial class OpenMpi
{
    private const string Library = "mpi";

    public const int ThreadSerialized = 2;
    public static readonly void* InPlace = (void*)1;

    /// <summary>The names tried in turn: the SONAME of OpenMPI 3 to 5, then the development link.</summary>
    private static readonly string[] s_names = ["libmpi.so.40", "libmpi.so"];

    private static readonly nint s_handle = Load();

    public static readonly nint CommWorld = Export("ompi_mpi_comm_world");
    public static readonly nint Float = Export("ompi_mpi_float");
    public static readonly nint Double = Export("ompi_mpi_double");
    public static readonly nint Sum = Export("ompi_mpi_op_sum");

    private static nint Load()
    {
        NativeLibrary.SetDllImportResolver(typeof(OpenMpi).Assembly, Resolve);
        return LoadLibmpi();
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path) => name == Library ? s_handle != 0 ? s_handle : LoadLibmpi() : 0;

    private static nint LoadLibmpi()
    {
        foreach (var name in s_names)
        {
            if (NativeLibrary.TryLoad(name, out var handle))
            {
                return handle;
            }
        }
        throw new DllNotFoundException($"OpenMPI's library ({string.Join(" or ", s_names)}) was not found. Install OpenMPI (Debian: apt-get install -y openmpi-bin libopenmpi-dev) and launch with mpirun.");
    }

    private static nint Export(string symbol) => NativeLibrary.TryGetExport(s_handle, symbol, out var address)
        ? address
        : throw new DllNotFoundException($"The loaded libmpi does not export '{symbol}': SharpKeras.Distribution.Mpi needs OpenMPI (MPICH and Intel MPI use other handles).");

    [LibraryImport(Library)]
    public static partial int MPI_Init_thread(int* argc, byte*** argv, int required, int* provided);

    [LibraryImport(Library)]
    public static partial int MPI_Initialized(int* flag);

    [LibraryImport(Library)]
    public static partial int MPI_Finalized(int* flag);

    [LibraryImport(Library)]
    public static partial int MPI_Finalize();

    [LibraryImport(Library)]
    public static partial int MPI_Abort(nint comm, int errorcode);

    [LibraryImport(Library)]
    public static partial int MPI_Comm_rank(nint comm, int* rank);

    [LibraryImport(Library)]
    public static partial int MPI_Comm_size(nint comm, int* size);

    [LibraryImport(Library)]
    public static partial int MPI_Iallreduce(void* sendbuf, void* recvbuf, int count, nint datatype, nint op, nint comm, nint* request);

    [LibraryImport(Library)]
    public static partial int MPI_Ibcast(void* buffer, int count, nint datatype, int root, nint comm, nint* request);

    [LibraryImport(Library)]
    public static partial int MPI_Iallgather(void* sendbuf, int sendcount, nint sendtype, void* recvbuf, int recvcount, nint recvtype, nint comm, nint* request);

    [LibraryImport(Library)]
    public static partial int MPI_Ibarrier(nint comm, nint* request);

    [LibraryImport(Library)]
    public static partial int MPI_Test(nint* request, int* flag, void* status);
}
