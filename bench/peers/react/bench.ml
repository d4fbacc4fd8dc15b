(* Peer benchmark: the graph shapes of Mirari's benchmarks, built with OCaml
   React. Prints one JSON figure per line on stdout; see ../README.md. *)

open React

let checksum = ref 0
let runs = ref 0 (* sink executions, checked against the tick count *)

(* React links a node to its dependents through weak references, so an
   unreferenced sink would be collected and silently stop running. Dependents
   hold their sources strongly, so keeping the sinks keeps every node. *)
type any = Any : 'a -> any
let keep = ref []

let sink s =
  let e = S.map (fun v -> checksum := !checksum + v; incr runs) s in
  keep := Any e :: !keep

let rec incr_chain n x = if n = 0 then x else incr_chain (n - 1) (S.map succ x)

let chain () =
  let s, set = S.create 0 in
  sink (incr_chain 1000 s);
  let v = ref 0 in
  (1, fun () -> incr v; set !v)

let fanout () =
  let s, set = S.create 0 in
  for i = 0 to 999 do sink (S.map (fun x -> x + i) s) done;
  let v = ref 0 in
  (1000, fun () -> incr v; set !v)

let fanin () =
  let srcs = Array.init 1000 (fun _ -> S.create 0) in
  sink (S.merge ( + ) 0 (Array.to_list (Array.map fst srcs)));
  let t = ref 0 in
  (1, fun () -> incr t; (snd srcs.(!t mod 1000)) !t)

(* c independent chains of 10 nodes; ticks hit chains in a scattered order
   so a large graph is not served from cache. *)
let chains c =
  let setters =
    Array.init c (fun _ ->
        let s, set = S.create 0 in
        sink (incr_chain 9 s);
        set)
  in
  let t = ref 0 in
  (1, fun () -> incr t; setters.(!t * 48271 mod c) !t)

(* Unix.gettimeofday is the only clock in the stdlib; at ~1 us resolution it
   is exact enough over 0.5 s windows, and it is read only every ~1 ms. *)
let now = Unix.gettimeofday

(* Seconds per tick: median of 3 runs of ~0.5 s after a 0.2 s warm-up. *)
let measure (sinks, tick) =
  runs := 0;
  let ticks = ref 0 in
  let t0 = now () in
  while now () -. t0 < 0.2 do tick (); incr ticks done;
  let batch = max 1 (!ticks / 200) in
  let sample () =
    let t0 = now () and n = ref 0 and dt = ref 0. in
    while !dt < 0.5 do
      for _ = 1 to batch do tick () done;
      n := !n + batch;
      dt := now () -. t0
    done;
    ticks := !ticks + !n;
    !dt /. float !n
  in
  let a = Array.init 3 (fun _ -> sample ()) in
  Array.sort compare a;
  if !runs <> sinks * !ticks then
    failwith (Printf.sprintf "sinks ran %d times, expected %d" !runs (sinks * !ticks));
  a.(1)

let report figure value =
  Printf.printf "{\"peer\":\"react\",\"figure\":\"%s\",\"value\":%.2f}\n%!" figure value

let figure name scale build =
  keep := [];
  Gc.full_major ();
  report name (measure (build ()) *. scale)

let live_bytes () =
  Gc.full_major ();
  (Gc.stat ()).live_words * (Sys.word_size / 8)

let () =
  figure "chain_ns_per_node" (1e9 /. 1000.) chain;
  figure "fanout_ns_per_node" (1e9 /. 1000.) fanout;
  figure "fanin_us_per_tick" 1e6 fanin;
  figure "tick_1k_us" 1e6 (fun () -> chains 100);
  keep := [];
  let before = live_bytes () in
  let g = chains 100_000 in
  let after = live_bytes () in
  report "tick_1m_us" (measure g *. 1e6);
  report "bytes_per_node" (float (after - before) /. 1e6);
  Printf.eprintf "react checksum %d\n" !checksum
