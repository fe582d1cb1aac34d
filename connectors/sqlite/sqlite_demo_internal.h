#pragma once
// Shared between the demo generator and the demo workload.
#include <cstdint>
#include <string>

namespace tidemark::sqlite {

struct DemoRow {
    std::int64_t orderId = 0;
    std::int64_t customerId = 0;
    std::string status;
    std::int64_t amountCents = 0;
    std::int64_t createdAt = 0;
    std::string note;
};

std::uint64_t demoMix(std::uint64_t x);
/// The row for `key`, a pure function of (seed, key, rows).
DemoRow demoRow(std::uint64_t seed, std::int64_t key, std::int64_t rows);
std::string demoStatus(std::uint64_t r);

} // namespace tidemark::sqlite
