#pragma once
// Jobs of the agent: one prebackup/postbackup run per database at a time,
// on a bounded pool off the socket thread, each with its own metadata store
// connection and connector. Every method is called on the socket thread;
// workers report back by posting to it. Internal to engine/agent.
#include <atomic>
#include <map>
#include <memory>
#include <stop_token>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <nlohmann/json.hpp>

#include "agent/agent_protocol.h"
#include "agent/agent_server.h"

namespace tidemark::agent {

/// Where reply lines for one client go (a session).
class ReplySink {
public:
    virtual ~ReplySink() = default;
    virtual void send(std::string line) = 0;
    /// Name of the token the client authenticated with: the scope of the
    /// jobs it may see and cancel.
    virtual std::string principal() const { return {}; }
    virtual void jobStarted() {}
    virtual void jobFinished() {}
};

class AgentJobs {
public:
    AgentJobs(boost::asio::io_context &io, const AgentConfig &config);
    ~AgentJobs();

    void start(const Request &request, const std::shared_ptr<ReplySink> &owner);
    /// Cancels a job of the reply's token; another token's job is not found.
    void cancel(const Request &request, ReplySink &reply);
    /// Lists the jobs of the reply's token only; `clients` counts that token's connections.
    void status(const Request &request, ReplySink &reply, std::size_t clients);
    /// A client went away: its running jobs stop between steps.
    void ownerGone(const ReplySink *owner);
    /// Asks every job to stop and waits for the pool (not on the socket thread).
    void shutdown();
    std::size_t running() const { return m_running.load(); }

private:
    struct Job {
        std::int64_t id = 0;
        Op op = Op::PreBackup;
        std::string uri;                ///< without password (redactUri): all a reply or log shows
        std::string requestId;
        std::string principal;          ///< the token it was started with
        std::string state = "queued";   ///< queued, running, done
        std::int64_t startedMs = 0;
        std::weak_ptr<ReplySink> owner;
        const ReplySink *ownerKey = nullptr;
        std::stop_source stop;
        nlohmann::json progress;        ///< last progress line
        nlohmann::json result;          ///< the result line once done
    };
    void run(const std::shared_ptr<Job> &job, const Request &request); // on the pool
    void onProgress(const std::shared_ptr<Job> &job, nlohmann::json line);
    void onFinished(const std::shared_ptr<Job> &job, nlohmann::json line);
    nlohmann::json describe(const Job &job) const;

    boost::asio::io_context &m_io;
    const AgentConfig &m_config;
    boost::asio::thread_pool m_pool;
    std::map<std::int64_t, std::shared_ptr<Job>> m_jobs; ///< recent, newest last
    std::map<std::string, std::int64_t> m_byUri;          ///< running job per database
    std::int64_t m_next = 0;
    std::atomic<std::size_t> m_running{0};
};

} // namespace tidemark::agent
