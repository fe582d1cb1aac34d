#include "agent/agent_jobs.h"

#include <chrono>

#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include "backup/backup_preparation.h"
#include "host/stop_scope.h"
#include "model/connection_string.h"
#include "store/metadata_store.h"
#include "monitor/activity_scan.h"

namespace tidemark::agent {

using nlohmann::json;

namespace {

constexpr std::size_t kKeptJobs = 100;
constexpr auto kProgressInterval = std::chrono::milliseconds(200);

std::string dumpLine(json j)
{
    return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

json resultJson(const PreparationResult &r)
{
    json decisions = json::array();
    for (const auto &d : r.gate.decisions)
        decisions.push_back({{"ordinal", d.ordinal}, {"run", d.run}, {"predicted_seconds", d.predictedSeconds},
                             {"reason", d.reason}});
    json j = {{"result", r.ready ? "ready" : "not-ready"},
              {"reason", r.reason},
              {"message", redactSecrets(r.message)},
              {"policy", {{"level", toString(r.policy.level)}, {"effective", r.policy.describe()},
                          {"stored", r.storedPolicy}}},
              {"plan", r.plan.id},
              {"proposed_plan", r.proposedPlanId},
              {"plan_status", r.plan.id ? toString(r.plan.status) : ""},
              {"steps_done", r.stepsDone},
              {"steps_skipped", r.stepsSkipped},
              {"backup_bytes_before", r.backupBytesBefore},
              {"backup_bytes_after", r.backupBytesAfter},
              {"load_writes_per_second", r.loadWritesPerSecond},
              {"active_sessions", r.load ? nlohmann::json(r.load->activeSessions) : nlohmann::json(nullptr)},
              {"notes", r.notes},
              {"decisions", decisions}};
    if (r.error)
        j["error"] = {{"code", errorCodeName(r.error->code)},
                      {"message", redactSecrets(r.error->message)},
                      {"hint", redactSecrets(r.error->hint)}};
    return j;
}

json failureJson(const Error &e)
{
    const std::string message = redactSecrets(e.message);
    return {{"result", "not-ready"},
            {"reason", "error"},
            {"message", message},
            {"error", {{"code", errorCodeName(e.code)}, {"message", message}, {"hint", redactSecrets(e.hint)}}}};
}

} // namespace

AgentJobs::AgentJobs(boost::asio::io_context &io, const AgentConfig &config)
    : m_io(io), m_config(config), m_pool(std::max<std::size_t>(1, config.jobThreads))
{
}

AgentJobs::~AgentJobs() { shutdown(); }

void AgentJobs::shutdown()
{
    // m_jobs is the socket thread's; only the stop sources are shared, and
    // they are thread-safe. Callers make sure the socket thread is idle.
    for (auto &[id, job] : m_jobs)
        job->stop.request_stop();
    m_pool.join();
}

json AgentJobs::describe(const Job &job) const
{
    json j = {{"job", job.id}, {"op", toString(job.op)}, {"uri", job.uri}, {"state", job.state},
              {"started_ms", job.startedMs}};
    if (!job.progress.is_null())
        j["progress"] = job.progress;
    if (!job.result.is_null())
        j["result"] = job.result.value("result", "");
    return j;
}

void AgentJobs::start(const Request &request, const std::shared_ptr<ReplySink> &owner)
{
    // The job knows its database by the URI without password: replies, the
    // log and the store see only that; the connector alone gets request.uri.
    const std::string uri = redactUri(request.uri);
    if (const auto it = m_byUri.find(uri); it != m_byUri.end()) {
        // Another token's job is not named: its number is not this client's to know.
        const bool own = m_jobs.at(it->second)->principal == owner->principal();
        owner->send(errorLine(
            "busy",
            own ? fmt::format("job {} is already preparing {}; one job per database at a time", it->second, uri)
                : fmt::format("another client's job is already preparing {}; one job per database at a time", uri),
            request.id));
        return;
    }
    if (m_running.load() >= m_config.maxJobs) {
        owner->send(errorLine("too-many-jobs", fmt::format("{} jobs are running; try again later", m_running.load()),
                              request.id));
        return;
    }
    auto job = std::make_shared<Job>();
    job->id = ++m_next;
    job->op = request.op;
    job->uri = uri;
    job->requestId = request.id;
    job->principal = owner->principal();
    job->startedMs = nowMs();
    job->owner = owner;
    job->ownerKey = owner.get();
    m_jobs[job->id] = job;
    while (m_jobs.size() > kKeptJobs && m_jobs.begin()->second->state == "done")
        m_jobs.erase(m_jobs.begin());
    m_byUri[uri] = job->id;
    ++m_running;
    json accepted = {{"type", "accepted"}, {"job", job->id}, {"op", toString(request.op)}, {"uri", uri}};
    if (!request.id.empty())
        accepted["id"] = request.id;
    owner->jobStarted();
    owner->send(dumpLine(accepted));
    boost::asio::post(m_pool, [this, job, request] { run(job, request); });
}

void AgentJobs::run(const std::shared_ptr<Job> &job, const Request &request)
{
    auto post = [this, job](json line, bool final) {
        boost::asio::post(m_io, [this, job, line = std::move(line), final]() mutable {
            if (final)
                onFinished(job, std::move(line));
            else
                onProgress(job, std::move(line));
        });
    };
    post(json{{"stage", "start"}, {"text", "job started"}, {"state", "running"}}, false);
    json result;
    auto store = MetadataStore::open(m_config.storePath);
    Result<std::unique_ptr<Connector>> connector;
    if (store) {
        // A cancel ends a connect to a server that never answers. Only the
        // connect: the steps honour pr.stop themselves and must be free to
        // clean up after a cancel.
        StopScope connecting(job->stop.get_token());
        connector = m_config.openConnector(request.uri);
    }
    if (!store) {
        result = failureJson(store.error());
    } else if (!connector) {
        result = failureJson(connector.error());
    } else {
        PreparationRequest pr;
        pr.uri = job->uri;
        pr.phase = request.op == Op::PostBackup ? BackupPhase::PostBackup : BackupPhase::PreBackup;
        pr.narrowing = request.narrowing;
        pr.deadlineMs = request.deadlineMs;
        pr.table = request.table;
        pr.requestedBy = m_config.who;
        pr.waitWhenBusyMs = request.waitBusyMs;
        pr.clock = m_config.clock;
        pr.stop = job->stop.get_token();
        auto last = std::chrono::steady_clock::time_point{};
        pr.onEvent = [&](const PreparationEvent &e) {
            const auto now = std::chrono::steady_clock::now();
            const bool boundary = e.stage != "step" || e.fraction <= 0.0 || e.status != "running";
            if (!boundary && now - last < kProgressInterval)
                return;
            last = now;
            json p = {{"stage", e.stage}, {"text", redactSecrets(e.text)}};
            if (e.planId)
                p["plan"] = e.planId;
            if (e.stage == "step")
                p.update({{"step", e.stepIndex + 1}, {"steps", e.stepCount}, {"fraction", e.fraction},
                          {"status", e.status}});
            post(std::move(p), false);
        };
        auto out = prepareForBackup(**connector, **store, pr);
        result = out ? resultJson(*out) : failureJson(out.error());
    }
    post(std::move(result), true);
}

void AgentJobs::onProgress(const std::shared_ptr<Job> &job, json line)
{
    if (job->state == "queued")
        job->state = "running";
    line.erase("state");
    line["type"] = "progress";
    line["job"] = job->id;
    if (!job->requestId.empty())
        line["id"] = job->requestId;
    job->progress = line;
    if (auto owner = job->owner.lock())
        owner->send(dumpLine(line));
}

void AgentJobs::onFinished(const std::shared_ptr<Job> &job, json line)
{
    job->state = "done";
    line["type"] = "result";
    line["job"] = job->id;
    if (!job->requestId.empty())
        line["id"] = job->requestId;
    job->result = line;
    if (const auto it = m_byUri.find(job->uri); it != m_byUri.end() && it->second == job->id)
        m_byUri.erase(it);
    --m_running;
    if (m_config.log)
        m_config.log(fmt::format("job {} ({} {}) finished: {} — {}", job->id, toString(job->op), job->uri,
                                 line.value("result", ""), redactSecrets(line.value("message", ""))));
    if (auto owner = job->owner.lock()) {
        owner->jobFinished();
        owner->send(dumpLine(line));
    }
}

void AgentJobs::cancel(const Request &request, ReplySink &reply)
{
    std::shared_ptr<Job> job;
    if (request.job) {
        if (const auto it = m_jobs.find(request.job); it != m_jobs.end())
            job = it->second;
    } else if (const auto it = m_byUri.find(redactUri(request.uri)); it != m_byUri.end()) {
        job = m_jobs.at(it->second);
    }
    if (job && job->principal != reply.principal())
        job.reset();
    if (!job) {
        reply.send(errorLine("not-found", request.job ? fmt::format("no job {}", request.job)
                                                      : fmt::format("no job is running for {}", redactUri(request.uri)),
                             request.id));
        return;
    }
    const bool running = job->state != "done";
    if (running)
        job->stop.request_stop();
    json j = {{"type", "cancelled"}, {"job", job->id}, {"state", job->state},
              {"message", running ? "no new step starts; the running step finishes (or rolls back whole); the result "
                                    "line follows on the requesting connection"
                                  : "the job had already finished"}};
    if (!request.id.empty())
        j["id"] = request.id;
    reply.send(dumpLine(j));
}

void AgentJobs::status(const Request &request, ReplySink &reply, std::size_t clients)
{
    json jobs = json::array();
    std::size_t running = 0;
    for (const auto &[id, job] : m_jobs) {
        if (job->principal != reply.principal())
            continue;
        if (job->state != "done")
            ++running;
        if (!request.job || request.job == id)
            jobs.push_back(describe(*job));
    }
    json j = {{"type", "status"},
              {"clients", clients},
              {"max_clients", m_config.maxClients},
              {"running_jobs", running},
              {"jobs", jobs}};
    if (request.job && jobs.empty()) {
        reply.send(errorLine("not-found", fmt::format("no job {}", request.job), request.id));
        return;
    }
    if (!request.id.empty())
        j["id"] = request.id;
    reply.send(dumpLine(j));
}

void AgentJobs::ownerGone(const ReplySink *owner)
{
    for (auto &[id, job] : m_jobs)
        if (job->ownerKey == owner && job->state != "done") {
            job->stop.request_stop();
            if (m_config.log)
                m_config.log(fmt::format("job {}: its client disconnected; stopping between steps", id));
        }
}

} // namespace tidemark::agent
