// mirarictl: controls a running mirarid through its control socket.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <map>
#include <vector>

#include "bounded_json.hpp"
#include "config_json.hpp"
#include "control_client.hpp"
#include "control_command_table.hpp"
#include "human_output.hpp"

namespace fs = std::filesystem;
using mirari::host::ControlArgument;
using mirari::host::ControlClient;
using mirari::host::ControlClientError;
using mirari::host::ControlCommand;
using Kind = mirari::host::ControlArgument::Kind;
using nlohmann::json;

namespace {

constexpr const char* kDefaultSocket = "/run/mirari/mirarid.sock";

struct Failure {
  std::string message;
};

json value_argument(const std::string& text) {
  try {
    return mirari::host::parse_bounded_json(text, mirari::host::kMaxRequestDepth - 1);
  } catch (const mirari::host::BadJson& e) {
    if (e.reason() == mirari::host::BadJson::Reason::syntax) {
      throw Failure{"'" + text + "' is not a JSON value (a string is written with quotes: '\"" +
                    text + "\"')"};
    }
    throw Failure{"VALUE is not a value mirarid takes: " + std::string(e.what())};
  }
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// A name that is a plugin file where mirarictl runs, rather than an instance's name: it is a
// file here and has a '/' in it or ends in .so. mirarid runs elsewhere, so it gets the path
// made absolute.
bool names_a_file_here(const std::string& name) {
  std::error_code ec;
  const fs::path path = name;
  return (name.find('/') != std::string::npos || path.extension() == ".so") &&
         fs::is_regular_file(path, ec);
}

void print(const std::string& cmd, const json& result, bool as_json) {
  if (as_json) {
    std::cout << result.dump() << std::endl;
  } else {
    std::cout << mirari::host::human_text(cmd, result) << std::flush;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mirarictl: controls a running mirarid"};
  app.require_subcommand(1);
  // Global flags are taken after the subcommand too (`mirarictl plugins --json`), as people
  // type them; subcommands made below inherit this.
  app.fallthrough();
  const char* env_socket = std::getenv("MIRARI_SOCKET");
  std::string socket = env_socket != nullptr && *env_socket != '\0' ? env_socket : kDefaultSocket;
  bool as_json = false;
  app.add_option("--socket", socket,
                 "mirarid's control socket (default: $MIRARI_SOCKET, else " +
                     std::string(kDefaultSocket) + ")");
  app.add_flag("--json", as_json, "print results as JSON, for scripts");

  // Every subcommand, its arguments and its help come from the command table; each
  // argument's kind says how it is typed here and how it is sent.
  json request;
  std::map<std::string, std::string> texts;
  std::map<std::string, bool> flags;
  std::vector<std::string> sets;
  std::string settings_json;
  for (const ControlCommand& command : mirari::host::control_commands()) {
    const std::string cmd(command.name);
    CLI::App* sub = app.add_subcommand(cmd, std::string(command.help));
    for (const ControlArgument& argument : command.arguments) {
      const std::string key(argument.key);
      const std::string help(argument.help);
      switch (argument.kind) {
        case Kind::text:
        case Kind::instance:
        case Kind::file:
        case Kind::value:
          sub->add_option(upper(key), texts[cmd + "." + key], help)->required(argument.required);
          break;
        case Kind::option:
          sub->add_option("--" + key, texts[cmd + "." + key], help);
          break;
        case Kind::flag:
          sub->add_flag("--" + key, flags[cmd + "." + key], help);
          break;
        case Kind::settings:
          sub->add_option(
                 "--set", sets,
                 "KEY=VALUE, a TOML value (repeatable; dotted keys for nested tables): " + help)
              ->expected(1)
              ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
          sub->add_option("--config-json", settings_json, "the settings as one JSON object");
          break;
      }
    }
    sub->callback([&, cmd, entry = &command] {
      request = {{"cmd", cmd}};
      for (const ControlArgument& argument : entry->arguments) {
        const std::string key(argument.key);
        const std::string& given = texts[cmd + "." + key];
        switch (argument.kind) {
          case Kind::text:
            request[key] = given;
            break;
          case Kind::option:
            if (!given.empty()) request[key] = given;
            break;
          case Kind::instance:
            request[key] = names_a_file_here(given) ? fs::absolute(given).string() : given;
            break;
          case Kind::file: {
            std::error_code ec;
            request[key] = fs::exists(given, ec) ? fs::absolute(given).string() : given;
            break;
          }
          case Kind::value:
            request[key] = value_argument(given);
            break;
          case Kind::flag:
            request[key] = flags[cmd + "." + key];
            break;
          case Kind::settings:
            if (sets.empty() && settings_json.empty()) break;
            try {
              request[key] = mirari::host::load_settings(sets, settings_json);
            } catch (const mirari::host::ConfigJsonError& e) {
              throw Failure{e.what()};
            }
            break;
        }
      }
    });
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const Failure& f) {
    std::cerr << "mirarictl: " << f.message << '\n';
    return 1;
  }

  const std::string cmd = request["cmd"];
  try {
    ControlClient client(socket);
    if (mirari::host::find_control_command(cmd)->streams) {
      request["id"] = 1;
      client.send_line(request.dump() + "\n");
      while (auto line = client.next()) {
        if (!line->value("ok", false)) throw ControlClientError(line->value("error", "failed"));
        print(cmd, (*line)["result"], as_json);
      }
      throw ControlClientError("mirarid closed the connection");
    }
    const json response = client.call(request);
    if (!response.value("ok", false)) {
      throw ControlClientError(response.value("error", std::string("the request failed")));
    }
    print(cmd, response["result"], as_json);
  } catch (const ControlClientError& e) {
    std::cerr << "mirarictl: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
