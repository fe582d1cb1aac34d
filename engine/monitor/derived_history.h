#pragma once
// History for the partitions a split or merge creates, taken from the
// partitions they came from: a split's targets get the source's counts
// scaled by each target's share of its writes (reads and size by its share
// of rows), a merge's target the sum of its sources. The samples carry the
// counter epoch "derived:<step uid>" (isDerived), end before the step
// finished, and let forecasts, scores and the table's series go on across
// the change instead of starting empty. See docs/volatility-score.md.
#include <map>
#include <string>
#include <vector>

#include "model/activity.h"
#include "model/step.h"
#include "result.h"

namespace tidemark {

class MetadataStore;
struct Connection;

inline constexpr const char *kDerivedEpochPrefix = "derived:";

/// True for a sample made by deriveHistory rather than read from the database.
bool isDerived(const ActivitySample &sample);

/// Samples for the targets of `step` (a split or merge) before `untilMs`,
/// from `sources`: each source partition's samples in time order. Empty for
/// other kinds, or when the sources have no history.
std::vector<ActivitySample> deriveHistory(const Step &step,
                                          const std::map<std::string, std::vector<ActivitySample>> &sources,
                                          std::int64_t untilMs);

/// How far back a split's or merge's targets inherit their sources' samples.
inline constexpr std::int64_t kDerivedHistoryDays = 42;

/// Stores deriveHistory() of a finished split or merge for its targets (from
/// the sources' samples in `store`, up to step.finishedMs), and the scores
/// those samples give at each moment (what the heatmap draws), scored with
/// the connection's settings. A target that has samples already is left as
/// it is, so a step finished twice (resumed) derives once.
Result<void> recordDerivedHistory(MetadataStore &store, const Connection &connection, const Step &step);

} // namespace tidemark
