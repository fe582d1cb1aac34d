#pragma once
// Engine value types as they travel through queued Qt signals, plus the few
// GUI-side summaries EngineClient assembles on the engine thread.
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connector_features.h"
#include "executor/plan_executor.h"
#include "forecast/series_forecast.h"
#include "model/plan.h"
#include "model/score.h"
#include "model/settings.h"
#include "monitor/activity_scan.h"
#include "result.h"
#include "segments/segment_survey.h"
#include "store/metadata_store.h"

namespace tidemark::ui {

/// An engine error in the words shown to the DBA: what is wrong, what to do.
struct EngineError {
    QString message;
    QString hint;
    tidemark::ErrorCode code = tidemark::ErrorCode::Internal;
    /// The connection the failed request was about ("" when none): a page
    /// shows only the errors of the connection it shows.
    QString uri;
    static EngineError from(const tidemark::Error &e, const QString &uri = QString());
    /// "message — what to do: hint" (or the message alone).
    QString text() const;
};

/// What a connector plugin turned out to be at start-up.
struct PluginStatus {
    QString path;
    QString id;
    QStringList schemes;
    bool loaded = false;
    QString reason;
};

/// One scan as the pages need it: the catalogue with scores, the score
/// history of every table (for the heatmap) and the plans still open.
struct ScanSnapshot {
    QString uri;
    tidemark::Connection connection;
    tidemark::ScanResult scan;
    std::map<std::string, std::vector<tidemark::VolatilityScore>> history; ///< table → oldest first
    std::vector<tidemark::PlanSummary> openPlans; ///< proposed or approved, newest first
    /// What the connection's connector can do, with reasons, to grey out the rest.
    tidemark::ConnectorCapabilities capabilities;
};

/// Progress of an apply, throttled on the engine side.
struct ApplyProgress {
    qint64 planId = 0;
    int stepIndex = 0;
    int stepCount = 0;
    double stepFraction = 0.0;
    tidemark::StepStatus status = tidemark::StepStatus::Running;
    QString text;
    double overall() const;
};

/// The operations EngineClient runs, for errors and busy state.
enum class EngineOp {
    OpenStore,
    Connections,
    TestConnection,
    Scan,
    Plan,
    Approve,
    Reject,
    Apply,
    History,
    Settings,
    Forecast,
    Segments, ///< segment survey and archive plans
    Nodes, ///< the node catalogue: list, save, remove
    Copy ///< copy and move plans of a partition to a node
};

/// A forecast of a stored series asked for by the Forecasts page.
struct ForecastRequest {
    quint64 id = 0; ///< the asker's own number, returned with the reply
    QString uri, table, partition; ///< empty partition: the whole table
    std::vector<std::string> partitions; ///< the one partition, or all of the table's
    bool writes = true; ///< writes per hour; false: size in bytes
    int horizon = 48; ///< hours
};

/// The answer to a ForecastRequest: a forecast, or why there is none.
struct SeriesForecastReply {
    ForecastRequest request;
    std::optional<tidemark::StoredSeriesForecast> forecast;
    bool noSamples = false; ///< the connection was never scanned
    EngineError error; ///< when neither
};

/// A segment survey as the Compaction queue page needs it: the figures and
/// queues, and each table's sampled total size within its window.
struct SegmentsReply {
    QString uri;
    tidemark::SegmentSurvey survey;
    std::map<std::string, std::vector<tidemark::SizePoint>> sizeHistory; ///< table → oldest first
};

/// A node of the catalogue with its latest reading of its own load, if any.
struct NodeEntry {
    tidemark::Node node;
    std::optional<tidemark::NodeSample> latest;
};

/// A copy or move plan as stored, with the planner's notes (sizing, chunks).
struct CopyPlanReply {
    QString uri;
    tidemark::Plan plan;
    QStringList notes;
};

QString toQString(const std::string &s);
std::string toStd(const QString &s);

} // namespace tidemark::ui

Q_DECLARE_METATYPE(tidemark::ui::EngineError)
Q_DECLARE_METATYPE(tidemark::ui::ScanSnapshot)
Q_DECLARE_METATYPE(tidemark::ui::ApplyProgress)
Q_DECLARE_METATYPE(tidemark::ui::EngineOp)
Q_DECLARE_METATYPE(tidemark::ui::ForecastRequest)
Q_DECLARE_METATYPE(tidemark::ui::SeriesForecastReply)
Q_DECLARE_METATYPE(tidemark::ui::SegmentsReply)
Q_DECLARE_METATYPE(tidemark::ui::NodeEntry)
Q_DECLARE_METATYPE(tidemark::ui::CopyPlanReply)
Q_DECLARE_METATYPE(tidemark::Plan)
Q_DECLARE_METATYPE(tidemark::Node)
Q_DECLARE_METATYPE(tidemark::ConnectionSettings)
Q_DECLARE_METATYPE(tidemark::Connection)
