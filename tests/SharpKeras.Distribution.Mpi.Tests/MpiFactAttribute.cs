namespace SharpKeras.Distribution.Mpi.Tests;

/// <summary>A test that runs only where OpenMPI's mpirun is on the PATH; elsewhere it is skipped with the reason shown.</summary>
public sealed class MpiFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute and sets <see cref="FactAttribute.Skip"/> when mpirun is absent.</summary>
    public MpiFactAttribute()
    {
        if (MpiRun.Path is null)
        {
            Skip = "mpirun not found: apt-get install -y openmpi-bin libopenmpi-dev (.ci/run installs it)";
        }
    }
}
