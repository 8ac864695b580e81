// The thermal driver: setup, steady or transient solve, outputs. See thermal_run.hpp.
#include "solver/app/thermal_run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "solver/io/atomic_file.hpp"
#include "solver/case/case_parser.hpp"
#include "solver/io/checkpoint.hpp"
#include "solver/app/convergence.hpp"
#include "solver/app/flow_report.hpp"
#include "solver/physics/cht.hpp"
#include "solver/io/hdf5.hpp"
#include "solver/io/vtk.hpp"
#include "solver/app/probes.hpp"
#include "solver/coupling/problem_setup.hpp"
#include "solver/io/progress.hpp"
#include "solver/io/timeseries_csv.hpp"
#include "solver/numerics/transient.hpp"

namespace kelvin {

namespace {

using json = nlohmann::json;
/// Host copies of the cell fields every output carries besides temperature.
/// conductivity_xyz (kx, ky, kz per cell) only when some material is orthotropic.
/// The output's fields besides temperature, on the host.
struct StaticFields {
  std::vector<double> conductivity, conductivity_xyz;
  const std::vector<double>* source = nullptr;        // the problem's own, read in place
  std::vector<double> velocity, pressure, coolant;  // runs with flow only
};

/// Cell conductivity (the mean of its axes; all three where some material is orthotropic) and
/// the source, made when first written: output work, not set-up (0.01 s of a 1 M-cell cube's
/// 0.2 s set-up and solve when it was made before the solve and copied the source).
void add_material_fields(const ConductionProblem& p, StaticFields& s) {
  if (s.source) return;
  bool orthotropic = false;
  for (const auto& k : p.conductivity_W_mK) orthotropic |= k[0] != k[1] || k[1] != k[2];
  const auto& mat = p.grid.materials();
  s.conductivity.resize(mat.size());
  if (orthotropic) s.conductivity_xyz.resize(3 * mat.size());
  for (std::size_t n = 0; n < mat.size(); ++n) {
    const auto& k = p.conductivity_W_mK[mat[n]];
    s.conductivity[n] = (k[0] + k[1] + k[2]) / 3;
    if (orthotropic) std::copy(k.begin(), k.end(), s.conductivity_xyz.begin() + 3 * n);
  }
  s.source = &p.source_W_m3;
}

void write_vtr_snapshot(const std::string& path, const Grid& g, const StaticFields& sf,
                        const std::vector<double>& temperature) {
  // the writer reads every field in place
  std::vector<CellFieldRef> fields{{"temperature", temperature, 1},
                                   {"conductivity", sf.conductivity, 1},
                                   {"heat_source", *sf.source, 1}};
  if (!sf.conductivity_xyz.empty()) fields.push_back({"conductivity_xyz", sf.conductivity_xyz, 3});
  if (!sf.velocity.empty()) {
    fields.push_back({"velocity", sf.velocity, 3});
    fields.push_back({"pressure", sf.pressure, 1});
    fields.push_back({"coolant", sf.coolant, 1});
  }
  write_vtr(path, g, fields);
}

/// Cell-centred velocity, pressure and the coolant mask of a flow, on the host.
void add_flow_fields(const FlowSolver& flow, StaticFields& sf) {
  sf.velocity = flow.cell_velocity_host();
  sf.pressure = flow.pressure_host();
  sf.coolant = flow.fluid_host();
}

/// After an energy step of a transient with flow: the flow takes the same step at the new
/// temperatures (rho, mu follow them; SIMPLEC iterations with the transient term until the
/// residuals meet the tolerance, then the exact projection), and the energy equation's
/// advection and TVD correction are rebuilt for the next step. Flow and energy thus advance
/// together, the flow lagging the energy by one step. With constant properties the flow does
/// not change, and only the correction is rebuilt.
void step_flow(const Case& c, FlowSolver& flow, ConductionSolver& energy, const Field<double>& T,
               double dt, ChtResult& cht, ConvergenceLog& log) {
  if (!c.coolant->constant_properties) {
    flow.update_properties(T);
    if (!flow.property_warning().empty() &&
        (cht.warnings.empty() || cht.warnings.back() != flow.property_warning()))
      cht.warnings.push_back(flow.property_warning());
    int its = 0;
    cht.flow = flow.solve_step(dt, &its);
    cht.flow_iterations += its;
    const std::string& note = flow.stall_note();
    if (!note.empty() && std::find(cht.warnings.begin(), cht.warnings.end(), note) == cht.warnings.end())
      cht.warnings.push_back(note);
    log.add(flow_shortfall(c, "flow of the time steps", cht.flow, c.flow.tolerance));
    flow.project(1e-13);
    cht.continuity_after_projection = flow.continuity_residual();
  }
  energy.update_advection(T, c.coolant->constant_properties);
}

/// Per-time-step monitor: probe temperatures and per-material maxima.
class Monitor {
 public:
  Monitor(const Case& c, const ConductionProblem& problem)
      : m_case(c), m_probes(c.probes, problem) {
    m_header.push_back("time_s");
    for (const auto& p : m_probes.stencils()) m_header.push_back("probe_" + p.name + "_K");
    for (const auto& m : c.materials) m_header.push_back("max_" + m.name + "_K");
    m_present.assign(c.materials.size(), 0);
  }
  void set_present(const std::vector<std::int32_t>& mat) {
    for (auto m : mat) m_present[m] = 1;
  }
  void record(double t, const ConductionSolver& s, const Field<double>& T) {
    std::vector<double> row{t};
    for (double v : m_probes.values(T)) row.push_back(v);
    for (std::size_t m = 0; m < m_case.materials.size(); ++m)
      row.push_back(m_present[m] ? s.material_max(T, static_cast<int>(m)) : std::nan(""));
    m_rows.push_back(std::move(row));
  }
  /// Replaces the recorded rows (a resumed run's history).
  void restore_rows(std::vector<std::vector<double>> rows) { m_rows = std::move(rows); }
  const ProbeSet& probes() const { return m_probes; }
  const std::vector<std::string>& header() const { return m_header; }
  const std::vector<std::vector<double>>& rows() const { return m_rows; }
  std::vector<std::vector<double>> columns() const {
    std::vector<std::vector<double>> cols(m_header.size());
    for (const auto& r : m_rows)
      for (std::size_t c = 0; c < r.size(); ++c) cols[c].push_back(r[c]);
    return cols;
  }

 private:
  const Case& m_case;
  ProbeSet m_probes;
  std::vector<std::string> m_header;
  std::vector<std::vector<double>> m_rows;
  // bytes, not vector<bool>: its bit writes took 2 ms over a 1 M-cell grid in set_present
  std::vector<unsigned char> m_present;
};

json material_summary(const Case& c, const ConductionSolver& s, const Field<double>& T,
                      double& max_T) {
  json out = json::object();
  max_T = -1e300;
  for (std::size_t m = 0; m < c.materials.size(); ++m) {
    const auto st = s.material_stats(T, static_cast<int>(m));
    if (!(st.volume_m3 > 0)) continue;
    out[c.materials[m].name] = {{"min_temperature_K", st.min_K},
                                {"max_temperature_K", st.max_K},
                                {"mean_temperature_K", st.mean_K},
                                {"volume_m3", st.volume_m3}};
    max_T = std::max(max_T, st.max_K);
  }
  return out;
}

/// The balance for summary.json; without heat in, the imbalance in W and no relative error.
json balance_json(const EnergyBalance& eb) {
  json j = {{"heat_in_W", eb.heat_in()},
          {"heat_out_W", eb.heat_out()},
          {"imbalance_W", eb.imbalance_W()},
          {"source_W", eb.source_W},
          {"boundary_in_W", eb.boundary_in_W},
          {"boundary_out_W", eb.boundary_out_W},
          {"storage_W", eb.storage_W},
          {"coolant_enthalpy_rise_W", eb.advected_W},
          {"face_net_in_W",
           {{"xmin", eb.face_net_in_W[0]}, {"xmax", eb.face_net_in_W[1]},
            {"ymin", eb.face_net_in_W[2]}, {"ymax", eb.face_net_in_W[3]},
            {"zmin", eb.face_net_in_W[4]}, {"zmax", eb.face_net_in_W[5]}}}};
  if (eb.has_heat()) j["relative_error"] = eb.relative_error();
  return j;
}

}  // namespace

static json run_case_unlocated(const Case& c, const RunOptions& opt);

/// Adds where a solver failure started (coordinates and material) to its message.
[[noreturn]] static void rethrow_located(const SolverDiverged& e, const Case& c, const Grid& g) {
  if (e.cell[0] < 0) throw e;
  const int i = e.cell[0], j = e.cell[1], k = e.cell[2];
  const int m = g.material(i, j, k);
  throw SolverDiverged(
      fmt::format("{}, at ({:.6g}, {:.6g}, {:.6g}) m in material \"{}\"", e.what(), g.center(0, i),
                  g.center(1, j), g.center(2, k), m >= 0 ? c.materials[m].name : "?"),
      e.iteration, e.residual, e.cell);
}

json run_thermal_case(const Case& c, const RunOptions& opt) {
  if (opt.resume && !c.transient.enabled)
    throw SetupError("--resume continues a transient; this case is steady");
  try {
    return run_case_unlocated(c, opt);
  } catch (const SolverDiverged& e) {
    rethrow_located(e, c, build_case_grid(c));
  }
}

static json run_case_unlocated(const Case& c, const RunOptions& opt) {
  const auto t_start = Clock::now();
  const RunIdentity run_id = identify_run(c, opt.resume);
  if (opt.resume) {
    if (c.has_flow() && !c.coolant->constant_properties)
      throw SetupError("--resume: transients with a temperature-dependent coolant flow write no "
                       "checkpoint (set coolant.constant_properties, or run without --resume)");
    check_checkpoint(opt.output_dir + "/checkpoint.h5", resolved_case_yaml(c));
  }
  Progress progress(opt.quiet);
  std::filesystem::create_directories(opt.output_dir);
  const std::string dir = opt.output_dir;

  const ConductionProblem problem = make_conduction_problem(c);
  const Grid& g = problem.grid;
  const GridStats gs = g.stats();
  progress.log(fmt::format("kelvin: case \"{}\": {} cells ({} x {} x {}), worst aspect ratio {:.1f}",
                           c.name, gs.cells, gs.n[0], gs.n[1], gs.n[2], gs.worst_aspect_ratio));
  ConductionSolver solver(problem, multigrid_options(c.solver));
  std::unique_ptr<FlowSolver> flow;
  if (c.has_flow()) {
    flow = std::make_unique<FlowSolver>(make_flow_problem(c, g), case_flow_settings(c));
    couple_energy_to_flow(c, g, *flow, solver);
    progress.log(fmt::format("kelvin: coolant {}, {:.4g} L/min in", describe(case_coolant(c)),
                             flow->inflow_volume_rate() * 6e4));
  }
  json plate_report;
  if (c.coldplate) {
    const int coolant = c.material_index(c.coolant->material);
    const ColdPlateReport rep = report_cold_plate(case_cold_plate(c), g, [&](int m) { return m == coolant; });
    progress.log("kelvin: " + format_report(rep));
    plate_report = {{"channels", rep.channels},
                    {"channel_width_m", rep.channel_width_m},
                    {"min_cells_across_channel", rep.min_cells_across_channel},
                    {"min_cells_across_fin", rep.min_cells_across_fin},
                    {"coolant_cells", rep.fluid_cells},
                    {"solid_cells", rep.solid_cells}};
  }
  const double setup_s = seconds_since(t_start);
  StaticFields sf;
  Monitor monitor(c, problem);
  monitor.set_present(g.materials());

  Field<double> T = solver.make_field(c.initial_temperature_K);
  json summary;
  long long iterations = 0;
  ConvergenceLog log;  // solves that fell short of their tolerance
  double conv_factor = 0;
  EnergyBalance eb;
  std::vector<std::pair<double, std::string>> pvd;
  std::vector<std::pair<double, std::vector<double>>> snapshots;
  std::vector<double> final_T;  // host copy of the answer, shared by the writers
  // VTK snapshots are written between solve steps; their time counts as output, not solve.
  double snapshot_s = 0;
  const auto write_snapshot_timed = [&](const std::string& path, const std::vector<double>& host) {
    const auto t0 = Clock::now();
    add_material_fields(problem, sf);
    write_vtr_snapshot(path, g, sf, host);
    snapshot_s += seconds_since(t0);
  };

  ChtResult cht;
  if (flow && !c.transient.enabled) {
    cht = solve_steady_cht(case_cht_settings(c), *flow, solver, T, progress);
    progress.finish();
    iterations = cht.energy_iterations;
    log.add(cht_shortfalls(c, "steady conjugate solve", cht));
    eb = solver.energy_balance(T);
    monitor.record(0.0, solver, T);
    progress.log(fmt::format("kelvin: conjugate solve {} in {} passes ({} flow iterations, continuity {:.1e} after projection)",
                             cht.converged ? "converged" : "did NOT converge", cht.passes,
                             cht.flow_iterations, cht.continuity_after_projection));
    add_flow_fields(*flow, sf);
    final_T = T.to_host();
    write_snapshot_timed(dir + "/solution.vtr", final_T);
  } else if (!c.transient.enabled) {
    const auto st = solver.solve_steady(T, c.solver.tolerance, c.solver.max_iterations,
                                        [&](int it, double rel) {
                                          progress.update(fmt::format("steady solve: iteration {:4d}  residual {:.3e}", it, rel));
                                        });
    progress.finish();
    iterations = st.iterations;
    log.add(linear_shortfall(c, "steady temperature solve", st, c.solver.tolerance));
    conv_factor = st.convergence_factor;
    eb = solver.energy_balance(T);
    monitor.record(0.0, solver, T);
    progress.log(fmt::format("kelvin: steady solve {} in {} iterations (relative residual {:.2e}, {:.3f} per iteration)",
                             st.converged ? "converged" : "did NOT converge", st.iterations,
                             st.relative_residual, st.convergence_factor));
    final_T = T.to_host();
    write_snapshot_timed(dir + "/solution.vtr", final_T);
  } else {
    const auto& tr = c.transient;
    if (flow) {
      // The flow is steady at the initial temperatures; the energy equation marches with it.
      start_transient_flow(c.coolant->constant_properties, *flow, solver, T, cht, progress);
      log.add(flow_shortfall(c, "start-up flow (steady, at the initial temperatures)", cht.flow,
                             c.flow.tolerance));
      add_flow_fields(*flow, sf);
    }
    TransientIntegrator integ(solver, tr, c.solver, T);
    std::vector<double> out_times;
    if (tr.output_interval_s > 0)
      for (double t = tr.output_interval_s; t < tr.end_time_s * (1 - 1e-12); t += tr.output_interval_s)
        out_times.push_back(t);
    out_times.push_back(tr.end_time_s);
    auto write_snapshot = [&](int n, double t) {
      const std::string name = fmt::format("solution_{:04d}.vtr", n);
      auto host = integ.temperature().to_host();
      write_snapshot_timed(dir + "/" + name, host);
      pvd.emplace_back(t, name);
      snapshots.emplace_back(t, std::move(host));
      write_pvd(dir + "/solution.pvd", pvd);
    };
    // Checkpoints: the integrator, the time series and the snapshots so far. With a
    // temperature-dependent coolant flow the flow's own state would be needed too: no checkpoint.
    const bool resumable = !flow || c.coolant->constant_properties;
    const std::string checkpoint = dir + "/checkpoint.h5";
    double max_rel_err = 0;      // over steps with heat in
    double max_imbalance_W = 0;  // |in - out| over every step
    // Time steps whose linear solve stopped above the tolerance: how many, the worst relative
    // residual and the most iterations (checkpointed, so a resumed run still reports them).
    double short_steps = 0, worst_step_residual = 0, short_step_iterations = 0;
    const char* kStepSolves = "linear solves of the time steps";
    std::size_t first_output = 0;
    auto save = [&](std::size_t o) {
      H5Writer h5 = checkpoint_writer(checkpoint);
      h5.write_string("case/resolved_yaml", resolved_case_yaml(c));
      h5.write_vector("run/scalars",
                      {static_cast<double>(o), max_rel_err, short_steps > 0 ? 0.0 : 1.0, max_imbalance_W,
                       short_steps, worst_step_residual, short_step_iterations});
      write_integrator_state(h5, "transient/", integ.save_state());
      write_rows(h5, "run/timeseries", monitor.rows());
      std::vector<double> times;
      for (std::size_t k = 0; k < snapshots.size(); ++k) {
        times.push_back(snapshots[k].first);
        h5.write_vector(fmt::format("snapshots/{:04d}", k), snapshots[k].second);
      }
      h5.write_vector("run/snapshot_times", times);
      h5.close();
    };
    if (opt.resume) {
      const auto sc = h5_read_vector(checkpoint, "run/scalars");
      first_output = static_cast<std::size_t>(sc.at(0));
      max_rel_err = sc.at(1);
      max_imbalance_W = sc.at(3);
      if (sc.size() >= 7) {
        short_steps = sc[4], worst_step_residual = sc[5], short_step_iterations = sc[6];
      } else if (sc.at(2) == 0) {  // an older checkpoint: that some step fell short, no more
        short_steps = 1, worst_step_residual = std::nan("");
      }
      if (short_steps > 0) {
        SolveStats st;
        st.relative_residual = worst_step_residual;
        st.iterations = static_cast<int>(short_step_iterations);
        auto shortfall = linear_shortfall(c, kStepSolves, st, c.solver.tolerance);
        shortfall.front().count = static_cast<long long>(short_steps);
        log.add(shortfall);
      }
      integ.restore_state(read_integrator_state(checkpoint, "transient/"));
      monitor.restore_rows(read_rows(checkpoint, "run/timeseries", monitor.header().size()));
      const auto times = h5_read_vector(checkpoint, "run/snapshot_times");
      for (std::size_t k = 0; k < times.size(); ++k) {
        snapshots.emplace_back(times[k], h5_read_vector(checkpoint, fmt::format("snapshots/{:04d}", k)));
        pvd.emplace_back(times[k], fmt::format("solution_{:04d}.vtr", k));
      }
      if (flow) solver.update_advection(integ.temperature(), true);
      progress.log(fmt::format("kelvin: resumed at t = {:.6g} s from {}", integ.time(), checkpoint));
    } else {
      monitor.record(0.0, solver, integ.temperature());
      write_snapshot(0, 0.0);
    }
    CheckpointSchedule schedule(tr.checkpoint_interval_s, checkpoint,
                                fmt::format("kelvin run {} -o {} --resume", c.file, dir));
    for (std::size_t o = first_output; o < out_times.size(); ++o) {
      integ.advance_to(out_times[o], [&](const StepInfo& s) {
        if (!s.solve.converged) {
          short_steps += 1;
          worst_step_residual = std::max(worst_step_residual, s.solve.relative_residual);
          short_step_iterations = std::max(short_step_iterations, double(s.solve.iterations));
          log.add(linear_shortfall(c, kStepSolves, s.solve, c.solver.tolerance));
        }
        const auto e = solver.energy_balance(integ.temperature(), s.storage_W);
        if (e.has_heat()) max_rel_err = std::max(max_rel_err, e.relative_error());
        max_imbalance_W = std::max(max_imbalance_W, std::fabs(e.imbalance_W()));
        monitor.record(s.time_s, solver, integ.temperature());
        if (flow) step_flow(c, *flow, solver, integ.temperature(), s.dt_s, cht, log);
        progress.update(fmt::format("t = {:.4g} s / {:.4g} s  dt {:.3g} s  step {}  iterations {}",
                                    s.time_s, tr.end_time_s, s.dt_s, integ.steps(), s.solve.iterations),
                        s.time_s / tr.end_time_s);
        if (interrupt_requested()) progress.finish();
        schedule.after_step(s.time_s, resumable ? std::function<void()>([&] { save(o); }) : nullptr,
                            "runs with a temperature-dependent coolant flow write no checkpoint");
      });
      write_snapshot(static_cast<int>(o) + 1, out_times[o]);
    }
    if (resumable) save(out_times.size());
    progress.finish();
    iterations = integ.linear_iterations();
    copy(integ.temperature(), T);
    eb = solver.energy_balance(T, integ.last_step().storage_W);
    summary["transient"] = {{"end_time_s", tr.end_time_s},
                            {"steps", integ.steps()},
                            {"rejected_steps", integ.rejected_steps()},
                            {"max_step_energy_relative_error", max_rel_err},
                            {"max_step_imbalance_W", max_imbalance_W}};
    progress.log(fmt::format("kelvin: transient reached t = {} s in {} steps ({} linear iterations)",
                             tr.end_time_s, integ.steps(), iterations));
  }

  const double solve_s = seconds_since(t_start) - setup_s - snapshot_s;
  double max_T = 0;
  summary.update(summary_header(c, run_id));
  summary["cells"] = gs.cells;
  summary["grid"] = {{"n", gs.n}, {"worst_aspect_ratio", gs.worst_aspect_ratio},
                     {"min_cell_size_m", gs.min_cell_size_m}, {"max_cell_size_m", gs.max_cell_size_m}};
  summary["iterations"] = iterations;
  summary["converged"] = log.empty();
  if (!log.empty()) summary["not_converged"] = log.to_json();
  summary["multigrid"] = {{"levels", solver.multigrid() ? solver.multigrid()->levels() : 0},
                          {"line_axis", solver.multigrid() ? solver.multigrid()->line_axis() : -1},
                          {"precision", (solver.multigrid() ? solver.multigrid()->single_precision()
                                                            : c.solver.single_precision_multigrid)
                                            ? "single"
                                            : "double"},
                          {"convergence_factor", conv_factor}};
  summary["energy_balance"] = balance_json(eb);
  summary["materials"] = material_summary(c, solver, T, max_T);
  summary["max_temperature_K"] = max_T;
  json probes = json::object();
  const auto& probe_set = monitor.probes();
  const std::vector<double> probe_T = probe_set.values(T);
  for (std::size_t p = 0; p < probe_T.size(); ++p)
    probes[probe_set.stencils()[p].name] = {{"temperature_K", probe_T[p]},
                                            {"cell", probe_set.stencils()[p].cell}};
  summary["probes"] = probes;
  if (!plate_report.is_null()) summary["coldplate"] = plate_report;
  if (flow) {
    if (final_T.empty()) final_T = T.to_host();
    summary.update(flow_summary(c, g, *flow, final_T, summary["materials"], probes, eb.source_W));
    summary["flow"] = {{"algorithm", c.flow.coupled ? "coupled" : "simplec"},
                       {"coupling_passes", cht.passes},
                       {"iterations", cht.flow_iterations},
                       {"continuity_residual", cht.flow.continuity},
                       {"momentum_residual", cht.flow.momentum},
                       {"continuity_after_projection", cht.continuity_after_projection},
                       {"last_temperature_change_K", cht.last_change_K},
                       {"pressure_line_axis", flow->pressure_line_axis()},
                       {"pressure_multigrid_precision", flow->pressure_multigrid_single() ? "single" : "double"},
                       {"pressure_axis_trial_factors", flow->pressure_axis_trial()},
                       {"warnings", cht.warnings}};
    for (const auto& w : cht.warnings) summary["warnings"].push_back(w);
    for (const auto& w : summary["reynolds"]["warnings"]) {
      progress.log("kelvin: warning: " + w.get<std::string>());
      summary["warnings"].push_back(w);
    }
  }

  // results.h5: grid, fields, time series, the resolved case.
  {
    H5Writer h5(dir + "/results.h5");
    h5.write_vector("grid/x_faces_m", g.faces(0));
    h5.write_vector("grid/y_faces_m", g.faces(1));
    h5.write_vector("grid/z_faces_m", g.faces(2));
    h5.write_field_int("fields/material_id", g.materials(), gs.n[0], gs.n[1], gs.n[2]);
    if (final_T.empty()) final_T = T.to_host();
    h5.write_field("fields/temperature_K", final_T, gs.n[0], gs.n[1], gs.n[2]);
    add_material_fields(problem, sf);
    h5.write_field("fields/conductivity_W_mK", sf.conductivity, gs.n[0], gs.n[1], gs.n[2]);
    h5.write_field("fields/heat_source_W_m3", *sf.source, gs.n[0], gs.n[1], gs.n[2]);
    if (flow) {
      std::vector<double> comp(sf.pressure.size());
      for (int d = 0; d < 3; ++d) {
        for (std::size_t n = 0; n < comp.size(); ++n) comp[n] = sf.velocity[3 * n + d];
        h5.write_field(std::string("fields/velocity_") + "xyz"[d] + "_m_s", comp, gs.n[0], gs.n[1], gs.n[2]);
      }
      h5.write_field("fields/pressure_Pa", sf.pressure, gs.n[0], gs.n[1], gs.n[2]);
      h5.write_field("fields/coolant_mask", sf.coolant, gs.n[0], gs.n[1], gs.n[2]);
    }
    for (std::size_t s = 0; s < snapshots.size(); ++s) {
      const std::string path = fmt::format("snapshots/{:04d}/temperature_K", s);
      h5.write_field(path, snapshots[s].second, gs.n[0], gs.n[1], gs.n[2]);
      h5.write_attribute(path, "time_s", snapshots[s].first);
    }
    h5.write_table("timeseries", monitor.header(), monitor.columns());
    h5.write_string("case/resolved_yaml", resolved_case_yaml(c));
    h5.write_attribute("/", "backend", std::string(backend_name()));
    h5.close();
  }
  if (c.transient.enabled)
    write_file_atomic(dir + "/timeseries.csv", format_csv(monitor.header(), monitor.rows()));
  summary["wall_time_s"] = seconds_since(t_start);
  summary["timings_s"] = {{"setup", setup_s},
                          {"solve", solve_s},
                          {"output", seconds_since(t_start) - setup_s - solve_s}};
  write_file_atomic(dir + "/summary.json", summary.dump(2) + "\n");
  return summary;
}

std::string format_thermal_report(const json& s, const std::string& dir) {
  std::string r;
  const auto& t = s["timings_s"];
  r += fmt::format("Case {}: {} cells, backend {} ({} threads), {:.2f} s (setup {:.2f}, solve {:.2f}, output {:.2f})\n",
                   s["case"].get<std::string>(), s["cells"].get<long long>(),
                   s["backend"].get<std::string>(), s["threads"].get<int>(),
                   s["wall_time_s"].get<double>(), t["setup"].get<double>(),
                   t["solve"].get<double>(), t["output"].get<double>());
  const auto& eb = s["energy_balance"];
  if (eb.contains("relative_error"))
    r += fmt::format("Energy balance: in {:.6g} W, out {:.6g} W, relative error {:.2e}\n",
                     eb["heat_in_W"].get<double>(), eb["heat_out_W"].get<double>(),
                     eb["relative_error"].get<double>());
  else
    r += fmt::format("Energy balance: no heat goes in; imbalance {:.2e} W\n",
                     eb["imbalance_W"].get<double>());
  if (s.contains("pressure_drop_Pa")) {
    r += fmt::format("Coolant: {:.4g} L/min, inlet {:.2f} degC, outlet {:.2f} degC, pressure drop {:.4g} Pa\n",
                     s["flow_rate_m3_s"].get<double>() * 6e4,
                     s["inlet_temperature_K"].get<double>() - 273.15,
                     s["outlet_temperature_K"].get<double>() - 273.15,
                     s["pressure_drop_Pa"].get<double>());
    for (const auto& [name, v] : s["thermal_resistance_K_per_W"].items())
      r += fmt::format("Thermal resistance {}: {:.5f} K/W\n", name, v.get<double>());
    if (s.contains("channel_flow"))
      r += fmt::format("Channel flow: {} channels, {:.3f} .. {:.3f} of the mean\n",
                       s["channel_flow"]["channels"].get<int>(),
                       s["channel_flow"]["min_fraction"].get<double>(),
                       s["channel_flow"]["max_fraction"].get<double>());
  }
  r += "Material            min degC   mean degC    max degC\n";
  for (const auto& [name, m] : s["materials"].items())
    r += fmt::format("{:<16} {:10.2f} {:11.2f} {:11.2f}\n", name,
                     m["min_temperature_K"].get<double>() - 273.15,
                     m["mean_temperature_K"].get<double>() - 273.15,
                     m["max_temperature_K"].get<double>() - 273.15);
  for (const auto& [name, p] : s["probes"].items())
    r += fmt::format("Probe {:<14} {:.2f} degC\n", name, p["temperature_K"].get<double>() - 273.15);
  r += fmt::format("Results in {}/: summary.json, results.h5{}\n", dir,
                   s.contains("transient") ? ", timeseries.csv, solution.pvd" : ", solution.vtr");
  r += fmt::format("Open in ParaView: paraview {}/{}\n", dir,
                   s.contains("transient") ? "solution.pvd" : "solution.vtr");
  return r;
}

}  // namespace kelvin
