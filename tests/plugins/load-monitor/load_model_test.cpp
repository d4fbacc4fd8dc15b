// The load of instances, from reports and CPU samples; and its port types.
#include <catch2/catch.hpp>

#include "load_model.hpp"

using mirari::load::InstanceReports;
using mirari::load::LoadByInstance;
using mirari::load::LoadModel;
using mirari::load::LoadSample;
using Source = mirari::load::LoadSample::Source;

TEST_CASE("the load ports' types have stable names") {
  CHECK(mirari::type_name<LoadByInstance>() == "table<string,float64>");
  CHECK(mirari::type_name<InstanceReports>() == "table<string,table<string,float64>>");
  CHECK(mirari::type_name<LoadSample>() == "load.sample");
}

TEST_CASE("a sample's JSON form names every field and reads back") {
  const LoadSample sample{"web-1", "cpu", 0.5, Source::proc};
  const auto json = nlohmann::json(sample);
  CHECK(json == nlohmann::json::parse(
                    R"({"instance": "web-1", "key": "cpu", "value": 0.5, "source": "proc"})"));
  CHECK(json.get<LoadSample>() == sample);
}

TEST_CASE("reported loads are smoothed per instance and summed") {
  LoadModel model(2);
  CHECK(model.report({"a", "load", 1.0}) == LoadSample{"a", "load", 1.0, Source::report});
  model.report({"a", "load", 3.0});
  model.report({"b", "load", 0.5});
  CHECK(model.by_instance() == LoadByInstance{{"a", 2.0}, {"b", 0.5}});
  CHECK(model.total() == Approx(2.5));
}

TEST_CASE("every reported key is kept, only load is smoothed") {
  LoadModel model(3);
  model.report({"a", "queue", 12});
  model.report({"a", "queue", 4});
  CHECK(model.reports() == InstanceReports{{"a", {{"queue", 4}}}});
  CHECK(model.by_instance().empty());
  CHECK(model.total() == 0);
}

TEST_CASE("the CPU share is an instance's load while it reports none") {
  LoadModel model(2);
  CHECK(model.cpu("p", 0.4) == LoadSample{"p", "cpu", 0.4, Source::proc});
  model.cpu("p", 0.8);
  CHECK(model.by_instance().at("p") == Approx(0.6));
  CHECK(model.reports().at("p").at("cpu") == 0.8);
}

TEST_CASE("once an instance reports its load, its CPU share no longer counts as load") {
  LoadModel model(4);
  model.cpu("p", 1.0);
  model.report({"p", "load", 0.2});
  CHECK(model.by_instance().at("p") == Approx(0.2));  // the CPU samples are dropped
  model.cpu("p", 1.0);
  CHECK(model.by_instance().at("p") == Approx(0.2));
  CHECK(model.reports().at("p") == mirari::Table<std::string, double>{{"cpu", 1.0}, {"load", 0.2}});
}

TEST_CASE("a process instance that is gone loses its CPU share and its load") {
  LoadModel model(2);
  model.cpu("p", 0.9);
  model.report({"p", "queue", 3});
  CHECK(model.forget_cpu("p"));
  CHECK(model.by_instance().empty());
  CHECK(model.reports() == InstanceReports{{"p", {{"queue", 3}}}});
  CHECK_FALSE(model.forget_cpu("p"));
  model.cpu("p", 0.1);  // sampled again: its load starts afresh
  CHECK(model.by_instance().at("p") == Approx(0.1));
}

TEST_CASE("a gone process instance that reports its load keeps that load") {
  LoadModel model(2);
  model.cpu("p", 0.9);
  model.report({"p", "load", 0.3});
  CHECK(model.forget_cpu("p"));
  CHECK(model.by_instance() == LoadByInstance{{"p", 0.3}});
  CHECK(model.reports() == InstanceReports{{"p", {{"load", 0.3}}}});
}

TEST_CASE("a model's state carries its averages and reports to another model") {
  LoadModel model(3);
  model.report({"a", "load", 1.0});
  model.report({"a", "load", 2.0});
  model.report({"a", "queue", 7});
  model.cpu("p", 0.5);
  const LoadModel::State state = model.state();
  CHECK(nlohmann::json(state).get<LoadModel::State>() == state);

  LoadModel same(3);
  same.restore(state);
  CHECK(same.reports() == model.reports());
  CHECK(same.by_instance() == model.by_instance());
  same.report({"a", "load", 3.0});
  CHECK(same.by_instance().at("a") == 2.0);

  // A narrower window keeps the newest samples that fit.
  LoadModel narrow(1);
  narrow.restore(state);
  CHECK(narrow.by_instance().at("a") == 2.0);
  CHECK(narrow.by_instance().at("p") == 0.5);
}

TEST_CASE("a forgotten instance leaves the load and the reports") {
  LoadModel model(2);
  model.report({"a", "load", 1.0});
  model.report({"b", "load", 0.5});
  CHECK(model.forget("a"));
  CHECK(model.by_instance() == LoadByInstance{{"b", 0.5}});
  CHECK_FALSE(model.reports().contains("a"));
  CHECK(model.total() == 0.5);
  CHECK_FALSE(model.forget("a"));
}

TEST_CASE("an instance forgotten and reporting again starts a new average") {
  LoadModel model(3);
  model.report({"a", "load", 1.0});
  model.forget("a");
  model.report({"a", "load", 3.0});
  CHECK(model.by_instance() == LoadByInstance{{"a", 3.0}});
  CHECK(model.state().samples == std::map<std::string, std::vector<double>>{{"a", {3.0}}});
}

TEST_CASE("a value equal to the last one leaves both tables' versions as they were") {
  LoadModel model(1);
  model.report({"a", "load", 0.5});
  const auto reports = model.reports();
  const auto loads = model.by_instance();
  model.report({"a", "load", 0.5});
  CHECK(model.reports().same_version(reports));
  CHECK(model.by_instance().same_version(loads));
}
