namespace Shipyard.Http.Forwarding;

/// <summary>How a forwarding attempt ended.</summary>
internal enum ForwardOutcome
{
    /// <summary>The GPU app answered; its response is relayed as is.</summary>
    Answered,

    /// <summary>The GPU app could not be reached in time, or its gateway said it is unavailable (502/503/504).</summary>
    Unreachable,

    /// <summary>The GPU app refused <c>GPU_APP_KEY</c> (401/403): a configuration error on our side, not the caller's.</summary>
    KeyRefused,
}
