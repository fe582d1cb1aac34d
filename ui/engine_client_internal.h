#pragma once
// EngineClient's private parts, shared by its source files: the engine
// thread's state, what pool jobs may share with it, and the relay that
// carries results to the GUI thread only while the client lives.
#include <QMetaObject>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "engine_client.h"
#include "host/engine_host.h"
#include "store/metadata_store.h"

namespace tidemark::ui {

/// Opens connectors from the registry with the keychain passwords. Read-only
/// after construction, so any thread may open through it.
struct EngineClient::Opener {
    tidemark::ConnectorRegistry registry;
    std::shared_ptr<EngineClient::Passwords> passwords;
    Result<std::unique_ptr<tidemark::Connector>> open(const std::string &uri) const
    {
        return registry.open(passwords->uriFor(uri));
    }
};

/// Idle metadata-store connections for pool jobs: the store belongs to one
/// thread at a time, so each job leases a connection of its own (SQLite WAL
/// lets them read beside the engine thread's; writers wait on busy_timeout).
struct EngineClient::StorePool : std::enable_shared_from_this<EngineClient::StorePool> {
    std::mutex mutex;
    std::string path;
    std::vector<std::unique_ptr<tidemark::MetadataStore>> idle;

    class Lease {
    public:
        Lease(std::shared_ptr<StorePool> pool, std::string path, std::unique_ptr<tidemark::MetadataStore> store)
            : m_pool(std::move(pool))
            , m_path(std::move(path))
            , m_store(std::move(store))
        {
        }
        Lease(Lease &&) = default;
        Lease &operator=(Lease &&) = delete;
        ~Lease()
        {
            if (m_store)
                m_pool->giveBack(m_path, std::move(m_store));
        }
        tidemark::MetadataStore &operator*() const { return *m_store; }
        tidemark::MetadataStore *operator->() const { return m_store.get(); }

    private:
        std::shared_ptr<StorePool> m_pool;
        std::string m_path;
        std::unique_ptr<tidemark::MetadataStore> m_store;
    };

    void setPath(const std::string &p)
    {
        std::lock_guard lock(mutex);
        path = p;
        idle.clear();
    }
    Result<Lease> lease()
    {
        std::string p;
        {
            std::lock_guard lock(mutex);
            p = path;
            if (!idle.empty()) {
                auto s = std::move(idle.back());
                idle.pop_back();
                return Lease(shared_from_this(), p, std::move(s));
            }
        }
        if (p.empty())
            return fail(ErrorCode::InvalidState, "no metadata store is open", "restart Tidemark or pick a store");
        auto opened = tidemark::MetadataStore::open(p);
        if (!opened)
            return tl::unexpected(opened.error());
        return Lease(shared_from_this(), p, std::move(*opened));
    }
    void giveBack(const std::string &p, std::unique_ptr<tidemark::MetadataStore> s)
    {
        std::lock_guard lock(mutex);
        if (p == path && idle.size() < 4)
            idle.push_back(std::move(s));
    }
};

/// Carries a functor to the GUI thread as a queued call on the client, and
/// nothing once the client is gone (pool jobs abandoned at shutdown may
/// finish later).
struct EngineClient::Relay {
    std::mutex mutex;
    EngineClient *client = nullptr;
    template <class F> void post(F f)
    {
        std::lock_guard lock(mutex);
        if (client)
            QMetaObject::invokeMethod(client, std::move(f), Qt::QueuedConnection);
    }
    void detach()
    {
        std::lock_guard lock(mutex);
        client = nullptr;
    }
};

/// One request the GUI may cancel; the job is attached when the engine
/// thread starts it, so a cancel before that still counts.
struct EngineClient::Ticket {
    EngineOp op;
    std::string subject; ///< the URI the request is about ("" when none)
    std::atomic<bool> cancelled{false};
    std::mutex mutex;
    tidemark::JobHandle job;
    explicit Ticket(EngineOp o)
        : op(o)
    {
    }
    void cancel()
    {
        cancelled = true;
        std::lock_guard lock(mutex);
        if (job)
            job->cancel();
    }
    void attach(tidemark::JobHandle j)
    {
        std::lock_guard lock(mutex);
        job = std::move(j);
        if (cancelled)
            job->cancel();
    }
};

/// Touched only on the engine thread.
struct EngineClient::State {
    std::shared_ptr<const EngineClient::Opener> opener;
    std::unique_ptr<tidemark::MetadataStore> store;
    /// Idle connectors by URI; a job borrows one and gives it back when it
    /// went well (a failed one is dropped and reopened next time).
    std::map<std::string, std::unique_ptr<tidemark::Connector>> connectors;

    Result<tidemark::MetadataStore *> requireStore()
    {
        if (!store)
            return fail(ErrorCode::InvalidState, "no metadata store is open", "restart Tidemark or pick a store");
        return store.get();
    }
    std::unique_ptr<tidemark::Connector> borrow(const std::string &uri)
    {
        auto it = connectors.find(uri);
        if (it == connectors.end())
            return nullptr;
        auto c = std::move(it->second);
        connectors.erase(it);
        return c;
    }
    void giveBack(const std::string &uri, std::unique_ptr<tidemark::Connector> c)
    {
        if (c && !connectors.count(uri))
            connectors[uri] = std::move(c);
    }
    /// URIs with a job on the pool, and the jobs waiting for them.
    std::set<std::string> busyUris;
    std::map<std::string, std::deque<std::function<void()>>> waiting;

    /// True when `uri` was free and is now taken; otherwise `start` waits its turn.
    bool claim(const std::string &uri, std::function<void()> start)
    {
        if (busyUris.insert(uri).second)
            return true;
        waiting[uri].push_back(std::move(start));
        return false;
    }
    /// The job on `uri` ended: the next waiting one starts (posted, not nested).
    void release(const std::string &uri, tidemark::EngineHost &host)
    {
        auto it = waiting.find(uri);
        if (it == waiting.end() || it->second.empty()) {
            busyUris.erase(uri);
            waiting.erase(uri);
            return;
        }
        host.post(std::move(it->second.front()));
        it->second.pop_front();
    }

    Result<tidemark::Connection> connection(const std::string &uri)
    {
        auto s = requireStore();
        if (!s)
            return tl::unexpected(s.error());
        return (*s)->ensureConnection(uri);
    }
};

/// What a job on the pool gets to work with (see EngineClient::Needs).
struct PoolWork {
    tidemark::MetadataStore *store; ///< the job's own store connection, or nullptr
    tidemark::Connector *connector; ///< the URI's connector, or nullptr
    const tidemark::Connection &connection; ///< the URI's connection record, or empty
    std::stop_token stop;
};

/// A request answered on the engine thread (catalogue reads and writes of
/// the metadata store, no database); an exception becomes failed(op, …).
template <class Work, class Done> void EngineClient::run(EngineOp op, const QString &what, Work work, Done done)
{
    setBusy(+1, what);
    State *state = m_state.get();
    m_host->post([this, relay = m_relay, state, op, work = std::move(work), done = std::move(done)]() mutable {
        auto result = tidemark::EngineHost::guarded([&] { return work(*state); });
        relay->post([this, op, result = std::move(result), done = std::move(done)]() mutable {
            setBusy(-1, QString());
            if (!result)
                Q_EMIT failed(op, EngineError::from(result.error()));
            else
                done(std::move(*result));
        });
    });
}

} // namespace tidemark::ui
