namespace Shipyard.Testing;

/// <summary>
/// The python3 the reference checks run: Debian's, where .ci/run and models/training/install.sh install numpy, scipy,
/// scikit-learn and onnx (a pyenv shim earlier on PATH may lack them); plain <c>python3</c> elsewhere.
/// </summary>
public static class DebianPython
{
    /// <summary>The interpreter to start.</summary>
    public static string Executable { get; } = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}
