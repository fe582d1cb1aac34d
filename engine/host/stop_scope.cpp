#include "host/stop_scope.h"

#include <utility>

namespace tidemark {

namespace {
// Lives in the engine library, so the plugins see the same variable.
thread_local std::stop_token t_current;
} // namespace

std::stop_token currentStopToken()
{
    return t_current;
}

StopScope::StopScope(std::stop_token token)
    : m_previous(std::exchange(t_current, std::move(token)))
{
}

StopScope::~StopScope()
{
    t_current = std::move(m_previous);
}

} // namespace tidemark
