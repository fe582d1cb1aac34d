#include "result.h"

namespace tidemark {

const char *errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidArgument:
        return "invalid-argument";
    case ErrorCode::NotFound:
        return "not-found";
    case ErrorCode::NotPartitioned:
        return "not-partitioned";
    case ErrorCode::Unsupported:
        return "unsupported";
    case ErrorCode::Busy:
        return "busy";
    case ErrorCode::ExecutorLocked:
        return "executor-locked";
    case ErrorCode::Corrupt:
        return "corrupt";
    case ErrorCode::VersionTooNew:
        return "version-too-new";
    case ErrorCode::StalePlan:
        return "stale-plan";
    case ErrorCode::VerificationFailed:
        return "verification-failed";
    case ErrorCode::Cancelled:
        return "cancelled";
    case ErrorCode::InvalidState:
        return "invalid-state";
    case ErrorCode::Database:
        return "database";
    case ErrorCode::Io:
        return "io";
    case ErrorCode::Internal:
        return "internal";
    case ErrorCode::AuthFailed:
        return "auth-failed";
    case ErrorCode::Unreachable:
        return "unreachable";
    }
    return "internal";
}

} // namespace tidemark
