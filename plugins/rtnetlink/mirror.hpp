// Keeping a table of kernel objects in step with the kernel, and writing it into the graph.
//
// A Mirror opens two sockets in the chosen network namespace: one that joins the model's
// multicast groups before anything is read, and one for dumps. The constructor dumps the
// kernel's current state into the model, so a mirror made late starts from the whole truth.
// From follow() on, every batch of notifications read in one wake-up updates the model, and
// the mirror writes into the graph the model's table, then the events the batch caused.
// When notifications were lost it dumps again and writes the differences as events.
//
// A Model provides:
//   using Table = ...;  using Event = ...;
//   static std::vector<unsigned> groups();   the RTNLGRP_* groups to join
//   static std::vector<DumpRequest> dumps(); the tables that make up the state, in order
//   Model fresh() const;                     an empty model with the same settings
//   void apply(const nlmsghdr&, std::vector<Event>& events);
//                                            one dumped or notified object; appends the
//                                            events it causes, ignores what it cannot read
//   Table table() const;                     the current table, O(1) (a mirari::Table version)
//   static void diff(const Table& before, const Table& after, std::vector<Event>& events);
//
// Invariants:
// - The model is used by one thread at a time: the constructor's, then the listener's
//   handlers (which never overlap).
// - After each batch the table written equals the model's table, and the events written
//   with it are the changes that lead from the previous table to this one: both land in one
//   tick (common/table_publisher.hpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <mirari/source.hpp>

#include "common/table_publisher.hpp"

#include "rtnetlink/dump.hpp"
#include "rtnetlink/listener.hpp"
#include "rtnetlink/netns.hpp"
#include "rtnetlink/socket.hpp"

namespace mirari::rtnetlink {

struct MirrorOptions {
  // A name under /var/run/netns; empty for the calling process's own namespace.
  std::string netns;
  // Receive buffer for notifications, in bytes; 0 keeps the system default. It bounds the
  // burst that can wait unread before the kernel drops notifications (and a resync follows).
  int receive_buffer = 0;
  // Told about resyncs and failures, on the I/O thread. May be empty.
  std::function<void(const std::string&)> report;
};

struct MirrorStats {
  std::uint64_t messages = 0;  // notifications applied
  std::uint64_t overruns = 0;  // gaps in the notifications
  std::uint64_t resyncs = 0;   // dumps made to recover from a gap
  bool following = false;      // false after stop() or a failure
};

template <class Model>
class Mirror {
 public:
  using Table = typename Model::Table;
  using Event = typename Model::Event;

  // Opens the sockets in options.netns and dumps the current state into prototype's fresh
  // copy. Throws NetnsError for a namespace that cannot be entered, std::system_error when
  // rtnetlink refuses; nothing stays open then.
  Mirror(boost::asio::any_io_executor io, MirrorOptions options, const Model& prototype)
      : report_(std::move(options.report)) {
    Socket notifications;
    in_netns(options.netns, [&] {
      notifications = Socket::open();
      for (unsigned group : Model::groups()) notifications.subscribe(group);
      if (options.receive_buffer > 0) notifications.set_receive_buffer(options.receive_buffer);
      dumps_ = Socket::open();
    });
    listener_ = std::make_unique<Listener>(std::move(io), std::move(notifications));
    model_ = std::make_unique<Model>(dumped(prototype));
  }
  ~Mirror() { stop(); }
  Mirror(const Mirror&) = delete;
  Mirror& operator=(const Mirror&) = delete;

  // The dumped state. Only before follow().
  Table table() const { return model_->table(); }

  // Starts following the kernel, writing through out (see the header comment). When
  // previous is given (the table a replaced instance had published), the events that lead
  // from it to the current state are written first. Call once.
  void follow(common::TablePublisher<Table, Event> out, const Table* previous = nullptr) {
    out_ = std::move(out);
    if (previous != nullptr) {
      Model::diff(*previous, model_->table(), pending_);
      flush();
    }
    following_ = true;
    listener_->start({[this](const nlmsghdr& msg) { on_message(msg); }, [this] { flush(); },
                      [this] { on_overrun(); },
                      [this](std::error_code error) { on_failure(error.message()); }});
  }

  // Stops following and closes the notification socket. After it returns nothing is
  // written any more. Any thread; idempotent.
  void stop() {
    listener_->stop();
    following_ = false;
  }

  MirrorStats stats() const {
    return {messages_.load(), overruns_.load(), resyncs_.load(), following_.load()};
  }

 private:
  // An interrupted dump is retried this often, then the last one is kept: under changes so
  // constant that no dump completes cleanly an approximate state beats none, and the
  // notifications that follow correct every object they touch.
  static constexpr int kDumpAttempts = 8;

  Model dumped(const Model& prototype) {
    for (int attempt = 1;; ++attempt) {
      Model model = prototype.fresh();
      std::vector<Event> ignored;
      bool consistent = true;
      for (const DumpRequest& request : Model::dumps()) {
        consistent = dump(dumps_, request,
                          [&](const nlmsghdr& msg) {
                            model.apply(msg, ignored);
                            ignored.clear();
                          }) &&
                     consistent;
      }
      if (consistent || attempt == kDumpAttempts) return model;
    }
  }

  void on_message(const nlmsghdr& msg) {
    ++messages_;
    model_->apply(msg, pending_);
  }

  void on_overrun() {
    ++overruns_;
    try {
      Table before = model_->table();
      *model_ = dumped(*model_);
      Model::diff(before, model_->table(), pending_);
      ++resyncs_;
      say("notifications were lost (receive buffer full); the whole state was read again");
    } catch (const std::exception& e) {
      listener_->stop();
      on_failure(std::string("cannot read the state again after lost notifications: ") + e.what());
    }
  }

  void on_failure(const std::string& what) {
    following_ = false;
    say("stopped following the kernel: " + what);
  }

  void flush() { out_.publish(model_->table(), pending_); }

  void say(const std::string& what) {
    if (report_) report_(what);
  }

  std::function<void(const std::string&)> report_;
  Socket dumps_;
  std::unique_ptr<Listener> listener_;
  std::unique_ptr<Model> model_;
  common::TablePublisher<Table, Event> out_;
  std::vector<Event> pending_;
  std::atomic<std::uint64_t> messages_{0};
  std::atomic<std::uint64_t> overruns_{0};
  std::atomic<std::uint64_t> resyncs_{0};
  std::atomic<bool> following_{false};
};

}  // namespace mirari::rtnetlink
