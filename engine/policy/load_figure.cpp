#include "policy/load_figure.h"

namespace tidemark {

// Out of line: the typeinfo the plugins' dynamic_cast compares lives here.
LoadReporter::~LoadReporter() = default;

std::optional<LoadFigure> readLoadFigure(Connector &connector)
{
    auto *reporter = dynamic_cast<LoadReporter *>(&connector);
    if (!reporter)
        return std::nullopt;
    auto load = reporter->currentLoad();
    if (!load)
        return std::nullopt;
    return *load;
}

} // namespace tidemark
