#pragma once
// The checks every step passes before any connector sees it: identity set,
// payload of the kind's own shape. Connectors only re-check what needs the
// database (the fingerprint inside their transaction, adjacency, that the
// uid is not yet recorded).
#include "model/step.h"
#include "result.h"

namespace tidemark {

/// InvalidArgument with the reason when `step` cannot run as it stands.
Result<void> checkStepShape(const Step &step);

} // namespace tidemark
