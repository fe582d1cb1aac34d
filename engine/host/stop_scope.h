#pragma once
// The stop token of the blocking job running on this thread. Connector
// factories take only a URI (the plugin interface is versioned), so a
// connect that may hang on a silent server, and the queries between a
// workflow's batches, read the job's token from here.
#include <stop_token>

namespace tidemark {

/// The token of the job this thread runs now; a token that never stops
/// outside a job.
std::stop_token currentStopToken();

/// Installs `token` as this thread's currentStopToken() until destroyed.
class StopScope {
public:
    explicit StopScope(std::stop_token token);
    ~StopScope();
    StopScope(const StopScope &) = delete;
    StopScope &operator=(const StopScope &) = delete;

private:
    std::stop_token m_previous;
};

} // namespace tidemark
