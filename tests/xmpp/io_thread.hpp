// An io_context on its own thread, as the application runs one: what the xmpp tests post their work to.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <thread>

namespace jicofo::xmpp::testing {

struct IoThread {
    boost::asio::io_context io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
    std::thread thread{[this] { io.run(); }};
    ~IoThread() {
        guard.reset();
        io.stop();
        thread.join();
    }
    boost::asio::any_io_executor executor() { return io.get_executor(); }
    boost::asio::strand<boost::asio::any_io_executor> make_strand() {
        return boost::asio::make_strand(boost::asio::any_io_executor(io.get_executor()));
    }
};

}  // namespace jicofo::xmpp::testing
