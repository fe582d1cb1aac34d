// libFuzzer target: the agent's request parser (engine/agent/agent_protocol).
// Any input must give a request or an error value — no crash, no hang, no
// leak (built with AddressSanitizer and UBSan).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/agent_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view line(reinterpret_cast<const char *>(data), size);
    auto parsed = tidemark::agent::parseRequest(line);
    if (!parsed) {
        // Error replies must always be producible.
        (void)tidemark::agent::errorLine(parsed.error());
        // A token carried by a refusal is bounded like an accepted one.
        if (parsed.error().token && parsed.error().token->size() > tidemark::agent::kMaxTokenLength)
            __builtin_trap();
    } else if (parsed->token.size() > tidemark::agent::kMaxTokenLength) {
        __builtin_trap();
    }
    return 0;
}
