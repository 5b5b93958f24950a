// broker/connection.h
//
// Serves one client connection: reads size-prefixed frames, answers them one
// at a time in arrival order (clients may pipeline; later requests wait in the
// socket), and closes the connection on a malformed frame.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>

namespace brook::broker {

class Broker;

// Runs until the peer disconnects, a frame is malformed, or the io_context
// stops. The coroutine owns the socket; it runs on the socket's strand.
asio::awaitable<void> ServeConnection(Broker& broker, asio::ip::tcp::socket socket);

}  // namespace brook::broker
