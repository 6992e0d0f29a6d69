// austinc-report's HTML report: the header, the flame graph, the timeline
// panels and the hottest functions, all drawn from the JSON document that
// view_html.c embeds in the element "data".
// Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
//
// The document: "strings"; "frames", [name, file, line, library] with
// names and files as string indexes; "threads", [pid, iid, tid]; "stacks",
// frame indexes outermost first, and "stack_threads"; "metrics", the
// columns of the samples; "buckets", [start_us, entries] in time order,
// one per --system period (or per run of periods), and "period" their
// length; "series", {name, pid, t, v}, the --system figures; "marks", a
// followed service's (drawn by report-marks.js); "summary" and
// "meta" for the header. A diff adds "base": its own metrics, stacks (into
// the same frame table), "entries" summed over the whole run and summary.
// Entries are flat: stack, one value per column, stack, ...; the stacks
// ascend, and each but the first is written as the step from the one
// before (small numbers, a smaller file).
//
// What the reader picks (metric, time range, search) lives in the URL
// fragment, "#range=2.0-3.5&metric=memory+&search=grow", so that a view can
// be shared, reloaded, or opened directly.
(() => {
	"use strict";

	const data = JSON.parse(document.getElementById("data").textContent);
	const $ = (id) => document.getElementById(id);
	const ROW = 18; // pixels per flame graph row
	const MIN_WIDTH = 0.4; // narrower frames are not drawn (pixels)
	const LABELLED = 36; // frames this wide are listed for screen readers
	const FONT = '12px system-ui, "DejaVu Sans", "Liberation Sans", sans-serif';

	// --- numbers -----------------------------------------------------

	// A value in the largest unit it reaches once rounded as shown, so
	// that 999,990 us reads "1.00 s" and not "1000.0 ms".
	function scaled(value, units) {
		for (const [size, digits, name] of units)
			if (Number((value / size).toFixed(digits)) >= 1 || size === 1)
				return (value / size).toFixed(digits) + " " + name;
		return String(value);
	}

	function formatTime(us) {
		return scaled(us, [[1e6, 2, "s"], [1e3, 1, "ms"], [1, 0, "us"]]);
	}

	function formatBytes(b) {
		return scaled(b, [[1e9, 2, "GB"], [1e6, 1, "MB"], [1e3, 1, "kB"], [1, 0, "B"]]);
	}

	function formatCount(n) {
		if (n >= 1e6)
			return (n / 1e6).toFixed(2) + " M";
		if (n >= 1e4)
			return (n / 1e3).toFixed(1) + " k";
		return String(Math.round(n * 100) / 100);
	}

	const share = (part, whole) => (whole > 0 ? (100 * part) / whole : 0);
	const formatShare = (x) => x.toFixed(x > 0 && x < 0.1 ? 2 : 1) + "%";
	const seconds = (us) => (us / 1e6).toFixed(us < 1e7 ? 2 : 1);
	// A range's bounds as the URL fragment keeps them: to the millisecond,
	// without trailing zeros.
	const rangeText = (range) => range.map((us) => String(+(us / 1e6).toFixed(3))).join("-");

	const METRICS = {
		wall: {label: "Wall time", noun: "of wall time", format: formatTime},
		cpu: {label: "CPU time", noun: "of CPU time", format: formatTime},
		"memory+": {label: "Memory growth", noun: "grown", format: formatBytes},
		"memory-": {label: "Memory release", noun: "released", format: formatBytes},
	};

	// --- the call tree ----------------------------------------------------

	const frames = data.frames.map((f) => ({
		name: data.strings[f[0]],
		file: data.strings[f[1]],
		line: f[2],
		library: f[3] === 1,
	}));
	const threads = data.threads;
	const diff = data.base || null;
	// Each thread its own subtree, as in the SVG view; a diff compares
	// runs whose threads differ, so it merges them.
	const perThread = !diff && threads.length > 1;

	// The merged call tree of every stack. A node's parent always has a
	// smaller number, so sums move up in one backward pass.
	const tree = {parent: [-1], key: [-1], depth: [0], kids: [[]]};
	const kidIndex = new Map();
	const keySpace = frames.length + threads.length + 1;

	// key: a frame index, or frames.length + a thread index.
	function childOf(node, key) {
		const id = node * keySpace + key;
		let kid = kidIndex.get(id);
		if (kid === undefined) {
			kid = tree.parent.length;
			tree.parent.push(node);
			tree.key.push(key);
			tree.depth.push(tree.depth[node] + 1);
			tree.kids.push([]);
			tree.kids[node].push(kid);
			kidIndex.set(id, kid);
		}
		return kid;
	}

	// The node of each stack's innermost frame.
	function addStacks(stacks, stackThreads) {
		const leaves = new Int32Array(stacks.length);
		stacks.forEach((frameIds, s) => {
			let node = 0;
			if (perThread)
				node = childOf(node, frames.length + stackThreads[s]);
			for (const f of frameIds)
				node = childOf(node, f);
			leaves[s] = node;
		});
		return leaves;
	}

	const leafOf = addStacks(data.stacks, data.stack_threads);
	const baseLeafOf = diff ? addStacks(diff.stacks, null) : null;
	const nodeCount = tree.parent.length;

	function frameOf(node) {
		const key = tree.key[node];
		return key >= 0 && key < frames.length ? frames[key] : null;
	}

	function nodeName(node) {
		if (node === 0)
			return "all";
		const f = frameOf(node);
		if (f)
			return f.name;
		const t = threads[tree.key[node] - frames.length];
		return "thread " + t[2] + " (pid " + t[0] +
			(t[1] ? ", interpreter " + t[1] : "") + ")";
	}

	// Functions (a name in a file, all lines), and for each node whether
	// it is the outermost call of its function on its path: a function's
	// total counts those only, so recursion is not counted twice.
	const functionIds = new Map();
	const functionOf = new Int32Array(nodeCount).fill(-1);
	const outermost = new Uint8Array(nodeCount);
	const functions = [];
	(function findFunctions() {
		for (let n = 1; n < nodeCount; n++) {
			const f = frameOf(n);
			if (!f)
				continue;
			const key = f.name + "\u0000" + f.file;
			let id = functionIds.get(key);
			if (id === undefined) {
				id = functions.length;
				functions.push({name: f.name, file: f.file});
				functionIds.set(key, id);
			}
			functionOf[n] = id;
		}
		const active = new Int32Array(functions.length);
		const todo = [[0, false]];
		while (todo.length) {
			const [node, leaving] = todo.pop();
			const fn = functionOf[node];
			if (leaving) {
				if (fn >= 0)
					active[fn]--;
				continue;
			}
			if (fn >= 0) {
				outermost[node] = active[fn] === 0 ? 1 : 0;
				active[fn]++;
			}
			todo.push([node, true]);
			for (const kid of tree.kids[node])
				todo.push([kid, false]);
		}
	})();

	// --- samples ------------------------------------------------------------

	const buckets = data.buckets;
	const series = data.series;
	const summary = data.summary;

	function bucketEnd(i) {
		if (i + 1 < buckets.length)
			return buckets[i + 1][0];
		return data.period ? buckets[i][0] + data.period
			: Math.max(buckets[i][0], summary.duration_us || 0);
	}

	// The time axis: from the start of sampling to its end.
	const timeEnd = (() => {
		let end = summary.duration_us || 0;
		for (const s of series)
			if (s.t.length)
				end = Math.max(end, s.t[s.t.length - 1]);
		if (buckets.length)
			end = Math.max(end, bucketEnd(buckets.length - 1));
		return end || 1;
	})();
	const marks = data.marks || [];
	const hasTimeline = series.length > 0 || buckets.length > 1 || marks.length > 0;

	// Sum a metric column over buckets [first, last) into the nodes: self
	// at the stacks' leaves, total over each subtree.
	function aggregate(column, first, last) {
		const self = new Float64Array(nodeCount);
		const width = data.metrics.length + 1;
		if (column >= 0) {
			for (let b = first; b < last; b++) {
				const e = buckets[b][1];
				let stack = 0;
				for (let i = 0; i < e.length; i += width) {
					stack += e[i];
					self[leafOf[stack]] += e[i + 1 + column];
				}
			}
		}
		return {self, total: totals(self)};
	}

	function totals(self) {
		const total = Float64Array.from(self);
		for (let n = nodeCount - 1; n > 0; n--)
			total[tree.parent[n]] += total[n];
		return total;
	}

	// The base of a diff, per metric, summed once.
	const baseTotals = new Map();
	function baseTotal(metric) {
		if (!baseTotals.has(metric)) {
			const column = diff.metrics.indexOf(metric);
			const width = diff.metrics.length + 1;
			const self = new Float64Array(nodeCount);
			const e = diff.entries;
			let stack = 0;
			for (let i = 0; column >= 0 && i < e.length; i += width) {
				stack += e[i];
				self[baseLeafOf[stack]] += e[i + 1 + column];
			}
			baseTotals.set(metric, column >= 0 ? totals(self) : null);
		}
		return baseTotals.get(metric);
	}

	// --- state, and the URL fragment that keeps it ---------------------------

	const state = {metric: data.metric, range: null, search: "", zoom: 0};
	if (!data.metrics.includes(state.metric))
		state.metric = data.metrics[0] || "wall";
	const defaultMetric = state.metric;

	function readFragment() {
		const fields = {};
		for (const part of location.hash.replace(/^#/, "").split("&")) {
			const at = part.indexOf("=");
			if (at <= 0)
				continue;
			try {
				fields[part.slice(0, at)] = decodeURIComponent(part.slice(at + 1));
			} catch (e) {
				// A malformed escape: ignore that field.
			}
		}
		state.metric = data.metrics.includes(fields.metric) ? fields.metric
			: defaultMetric;
		state.search = fields.search || "";
		state.range = null;
		const m = /^(\d+(?:\.\d*)?)-(\d+(?:\.\d*)?)$/.exec(fields.range || "");
		if (m && hasTimeline) {
			const a = parseFloat(m[1]) * 1e6, b = parseFloat(m[2]) * 1e6;
			if (b > a)
				state.range = [a, b];
		}
	}

	function writeFragment() {
		const parts = [];
		if (state.range)
			parts.push("range=" + rangeText(state.range));
		if (state.metric !== defaultMetric)
			parts.push("metric=" + state.metric);
		if (state.search)
			parts.push("search=" + encodeURIComponent(state.search));
		const hash = parts.length ? "#" + parts.join("&") : "";
		if (hash !== location.hash)
			history.replaceState(null, "", hash || location.pathname + location.search);
	}

	// The buckets a range selects, [first, last): those whose middle is
	// in it, or for a range narrower than a bucket, the one it is in.
	function selectedBuckets() {
		if (!state.range)
			return [0, buckets.length];
		const [a, b] = state.range;
		const middle = (i) => (buckets[i][0] + bucketEnd(i)) / 2;
		let first = 0;
		while (first < buckets.length && middle(first) < a)
			first++;
		let last = first;
		while (last < buckets.length && middle(last) < b)
			last++;
		if (first < last)
			return [first, last];
		const centre = (a + b) / 2;
		const inside = buckets.findIndex((bucket, i) =>
			bucket[0] <= centre && centre < bucketEnd(i));
		return inside < 0 ? [0, 0] : [inside, inside + 1];
	}

	// The time the selected buckets span: what the flame graph shows.
	function selectedSpan() {
		const [first, last] = view ? [view.first, view.last] : selectedBuckets();
		if (!state.range || first >= last)
			return state.range;
		return [buckets[first][0], bucketEnd(last - 1)];
	}

	// --- colours -------------------------------------------------------

	function hash(text) {
		let h = 2166136261;
		for (let i = 0; i < text.length; i++)
			h = Math.imul(h ^ text.charCodeAt(i), 16777619);
		return h >>> 0;
	}

	// Warm tones for the program, cool ones for the standard library and
	// site-packages, from a hash of the name: a function keeps its colour
	// from one view to the next.
	const frameColours = frames.map((f) => {
		if (f.file === "")
			return f.name === ":GC:" ? "hsl(275, 45%, 72%)" : "hsl(0, 0%, 75%)";
		const h = hash(f.name);
		const sat = (h >>> 8) % 20, light = (h >>> 16) % 12;
		if (f.library)
			return "hsl(" + (190 + (h % 40)) + ", " + (40 + sat) + "%, " +
				(62 + light) + "%)";
		return "hsl(" + (h % 50) + ", " + (72 + sat) + "%, " + (54 + light) + "%)";
	});
	const NEUTRAL = "hsl(40, 12%, 80%)";
	const MATCH = "#e040c8";

	// A diff's colour: red where the node's share grew, blue where it
	// shrank, pale grey where it kept it (still apart from the white
	// background); full strength at `scale` points.
	function diffColour(change, scale) {
		const strength = Math.min(1, Math.abs(change) / scale);
		const light = (93 - 40 * strength).toFixed(1);
		const saturation = (78 * Math.sqrt(strength)).toFixed(1);
		return "hsl(" + (change >= 0 ? 4 : 214) + ", " + saturation + "%, " + light + "%)";
	}

	// --- the flame graph ------------------------------------------------------

	const canvas = $("flame-canvas");
	const context = canvas.getContext("2d");
	const flame = $("flame");
	let view = null; // what is drawn: sums, rows, matches

	// Children largest first, sorted once per set of sums when drawn.
	let sortStamp = 0;
	const sortedAt = new Int32Array(nodeCount).fill(-1);
	function kidsBySize(node, total) {
		const kids = tree.kids[node];
		if (sortedAt[node] !== sortStamp) {
			kids.sort((a, b) => total[b] - total[a] || a - b);
			sortedAt[node] = sortStamp;
		}
		return kids;
	}

	// The rows of boxes to draw: the zoomed node's ancestors full width,
	// then its subtree level by level, each row in x order.
	function layout(total, width) {
		const rows = [];
		const chain = [];
		for (let n = state.zoom; n >= 0; n = tree.parent[n])
			chain.unshift(n);
		for (const n of chain)
			rows.push([{node: n, x0: 0, x1: width, above: n !== state.zoom}]);
		if (total[state.zoom] <= 0)
			return rows;
		const scale = width / total[state.zoom];
		let level = rows[rows.length - 1];
		for (;;) {
			const next = [];
			for (const box of level) {
				let x = box.x0;
				for (const kid of kidsBySize(box.node, total)) {
					const w = total[kid] * scale;
					if (w < MIN_WIDTH)
						break;
					next.push({node: kid, x0: x, x1: x + w, above: false});
					x += w;
				}
			}
			if (!next.length)
				return rows;
			rows.push(next);
			level = next;
		}
	}

	function searchPattern() {
		if (!state.search)
			return null;
		try {
			return new RegExp(state.search, "i");
		} catch (e) {
			// Not a regular expression: look for the text itself.
			const text = state.search.toLowerCase();
			return {test: (name) => name.toLowerCase().includes(text)};
		}
	}

	// Matching nodes, and the share of the total under them (a match
	// inside a match is counted once).
	function findMatches(total) {
		const pattern = searchPattern();
		if (!pattern)
			return null;
		const frameMatches = frames.map((f) => pattern.test(f.name));
		const matched = new Uint8Array(nodeCount);
		const under = new Uint8Array(nodeCount);
		let value = 0, count = 0;
		for (let n = 1; n < nodeCount; n++) {
			const key = tree.key[n];
			matched[n] = key < frames.length && frameMatches[key] ? 1 : 0;
			under[n] = under[tree.parent[n]] | matched[n];
			if (matched[n] && !under[tree.parent[n]] && total[n] > 0) {
				value += total[n];
				count++;
			}
		}
		return {matched, value, count};
	}

	function boxColour(node) {
		if (view.matches && view.matches.matched[node])
			return MATCH;
		if (view.base)
			return diffColour(view.change(node), view.diffScale);
		const key = tree.key[node];
		return key >= 0 && key < frames.length ? frameColours[key] : NEUTRAL;
	}

	// The name cut to fit w pixels, or "" when nothing useful fits.
	function fitLabel(name, w) {
		const room = Math.floor((w - 6) / view.charWidth);
		if (room < 3)
			return "";
		return name.length <= room ? name : name.slice(0, room - 1) + "\u2026";
	}

	function paint() {
		const width = Math.max(canvas.parentElement.clientWidth, 200);
		const ratio = window.devicePixelRatio || 1;
		view.rows = layout(view.total, width);
		const height = Math.max(view.rows.length, 1) * ROW;
		canvas.style.height = height + "px";
		canvas.width = Math.round(width * ratio);
		canvas.height = Math.round(height * ratio);
		context.setTransform(ratio, 0, 0, ratio, 0, 0);
		context.font = FONT;
		context.textBaseline = "middle";
		view.charWidth = context.measureText("abcdefghijklmnopqrstuvwxyz").width / 26;
		let drawn = 0;
		const labels = [];
		view.rows.forEach((row, depth) => {
			const y = depth * ROW;
			for (const box of row) {
				const w = box.x1 - box.x0;
				context.globalAlpha = box.above ? 0.55 : 1;
				context.fillStyle = boxColour(box.node);
				context.fillRect(box.x0, y, w > 2 ? w - 1 : w, ROW - 1);
				const label = fitLabel(nodeName(box.node), w);
				if (label) {
					context.fillStyle = "#1f2328";
					context.fillText(label, box.x0 + 3, y + ROW / 2);
				}
				if (w >= LABELLED)
					labels.push(box);
				drawn++;
			}
		});
		context.globalAlpha = 1;
		view.drawn = drawn;
		listLabels(labels);
	}

	// The frames wide enough to read, as text: what a screen reader (or
	// a test) finds in place of the canvas.
	function listLabels(boxes) {
		const list = $("flame-labels");
		list.replaceChildren(...boxes.slice(0, 500).map((box) => {
			const li = document.createElement("li");
			const name = nodeName(box.node);
			li.dataset.name = name;
			li.dataset.depth = tree.depth[box.node];
			li.dataset.total = view.total[box.node];
			if (view.base)
				li.dataset.change = view.change(box.node).toFixed(2);
			li.textContent = name + ": " + formatShare(share(view.total[box.node],
				view.total[0]));
			return li;
		}));
	}

	function describeRange() {
		const span = selectedSpan();
		if (!span)
			return "";
		const periods = view.last - view.first;
		return " from " + seconds(span[0]) + " s to " + seconds(span[1]) + " s (" +
			periods + (periods === 1 ? " period" : " periods") + " of the timeline)";
	}

	// Sum, lay out and paint for the current metric, range and search.
	function redraw() {
		const column = data.metrics.indexOf(state.metric);
		const [first, last] = selectedBuckets();
		const sums = aggregate(column, first, last);
		sortStamp++;
		view = {total: sums.total, self: sums.self, first, last};
		if (state.zoom >= nodeCount || view.total[state.zoom] <= 0)
			state.zoom = 0;
		view.matches = findMatches(view.total);
		if (diff)
			setUpDiff();
		paint();
		const info = METRICS[state.metric];
		const root = view.total[0];
		let text = root > 0 ? info.format(root) + " " + info.noun
			: "Nothing has a value under this metric";
		text += describeRange();
		if (root > 0 && state.zoom)
			text += "; zoomed into " + nodeName(state.zoom) + ", " +
				formatShare(share(view.total[state.zoom], root));
		$("flame-summary").textContent = text;
		$("reset-zoom").hidden = state.zoom === 0;
		$("reset-range").hidden = !state.range;
		showMatches();
		Object.assign(flame.dataset, {
			metric: state.metric,
			total: String(root),
			range: state.range ? rangeText(state.range) : "",
			buckets: String(last - first),
			drawn: String(view.drawn),
		});
		for (const button of $("metrics").children)
			button.setAttribute("aria-checked",
				String(button.dataset.metric === state.metric));
		drawSelection();
		fillHotTable();
	}

	function showMatches() {
		const m = view.matches;
		const out = $("matched");
		if (!m) {
			out.textContent = "";
			delete flame.dataset.matched;
			delete flame.dataset.matchedValue;
			return;
		}
		const pct = share(m.value, view.total[0]);
		out.textContent = m.count ? "Matched " + formatShare(pct) + " in " + m.count +
			" frame" + (m.count === 1 ? "" : "s") : "No match";
		flame.dataset.matched = pct.toFixed(2);
		flame.dataset.matchedValue = String(m.value);
	}

	// --- the diff --------------------------------------------------------

	function setUpDiff() {
		const base = baseTotal(state.metric);
		const legend = $("legend");
		legend.hidden = false;
		if (!base || base[0] <= 0) {
			view.base = null;
			legend.textContent = "The base recording has no " +
				METRICS[state.metric].label.toLowerCase() + ": nothing to compare.";
			return;
		}
		const root = view.total[0], baseRoot = base[0];
		view.base = base;
		view.change = (n) => share(view.total[n], root) - share(base[n], baseRoot);
		// The scale: the largest change among nodes worth drawing, but at
		// least one point, so that noise stays pale.
		let largest = 1;
		for (let n = 1; n < nodeCount; n++)
			if (view.total[n] > 0 || base[n] > 0)
				largest = Math.max(largest, Math.abs(view.change(n)));
		view.diffScale = largest;
		const scale = largest.toFixed(1);
		legend.replaceChildren(
			text("span", "Share of each run's total, against the base:"),
			text("span", "\u2212" + scale + " points"),
			Object.assign(document.createElement("span"), {className: "scale"}),
			text("span", "+" + scale + " points"),
			text("span", "(red: grew, blue: shrank; frames gone from the new run are not drawn)"));
	}

	function text(tag, content) {
		const element = document.createElement(tag);
		element.textContent = content;
		return element;
	}

	// --- hovering and clicking the flame graph --------------------------------

	const tooltip = $("tooltip");

	function boxAt(event) {
		if (!view || !view.rows)
			return null;
		const rect = canvas.getBoundingClientRect();
		const x = event.clientX - rect.left, y = event.clientY - rect.top;
		const row = view.rows[Math.floor(y / ROW)];
		if (!row)
			return null;
		let low = 0, high = row.length - 1;
		while (low <= high) {
			const mid = (low + high) >> 1;
			if (x < row[mid].x0)
				high = mid - 1;
			else if (x >= row[mid].x1)
				low = mid + 1;
			else
				return row[mid];
		}
		return null;
	}

	function showTooltip(event, lines) {
		tooltip.replaceChildren(...lines);
		tooltip.hidden = false;
		const pad = 14;
		let x = event.clientX + pad, y = event.clientY + pad;
		const w = tooltip.offsetWidth, h = tooltip.offsetHeight;
		if (x + w > window.innerWidth - 4)
			x = Math.max(4, event.clientX - w - pad);
		if (y + h > window.innerHeight - 4)
			y = Math.max(4, event.clientY - h - pad);
		tooltip.style.left = x + "px";
		tooltip.style.top = y + "px";
	}

	function line(className, content) {
		const div = text("div", content);
		div.className = className;
		return div;
	}

	function frameDetails(node) {
		const info = METRICS[state.metric];
		const root = view.total[0];
		const lines = [text("b", nodeName(node))];
		const f = frameOf(node);
		if (f && f.file)
			lines.push(line("where", f.file + ":" + f.line));
		lines.push(line("num", "total " + info.format(view.total[node]) + " (" +
			formatShare(share(view.total[node], root)) + ")"));
		lines.push(line("num", "self " + info.format(view.self[node]) + " (" +
			formatShare(share(view.self[node], root)) + ")"));
		if (view.base) {
			const was = share(view.base[node], view.base[0]);
			const now = share(view.total[node], root);
			const change = now - was;
			lines.push(line("num", "base " + formatShare(was) + " \u2192 " +
				formatShare(now) + " (" + (change >= 0 ? "+" : "\u2212") +
				Math.abs(change).toFixed(2) + " points)"));
		}
		return lines;
	}

	canvas.addEventListener("mousemove", (event) => {
		const box = boxAt(event);
		if (box)
			showTooltip(event, frameDetails(box.node));
		else
			tooltip.hidden = true;
	});
	canvas.addEventListener("mouseleave", () => {
		tooltip.hidden = true;
	});
	canvas.addEventListener("click", (event) => {
		const box = boxAt(event);
		if (!box)
			return;
		state.zoom = box.node;
		redraw();
	});

	// --- the hottest functions ------------------------------------------------

	function fillHotTable() {
		const self = new Float64Array(functions.length);
		const total = new Float64Array(functions.length);
		for (let n = 1; n < nodeCount; n++) {
			const fn = functionOf[n];
			if (fn < 0)
				continue;
			self[fn] += view.self[n];
			if (outermost[n])
				total[fn] += view.total[n];
		}
		const order = functions.map((_, i) => i).filter((i) => self[i] > 0);
		order.sort((a, b) => self[b] - self[a] || total[b] - total[a]);
		const root = view.total[0];
		const format = METRICS[state.metric].format;
		const rows = order.slice(0, 15).map((i) => {
			const tr = document.createElement("tr");
			const f = functions[i];
			tr.dataset.name = f.name;
			tr.dataset.self = String(self[i]);
			tr.dataset.total = String(total[i]);
			for (const cell of [formatShare(share(self[i], root)),
				formatShare(share(total[i], root)), format(self[i]),
				format(total[i])])
				tr.append(text("td", cell));
			const name = text("td", f.name), file = text("td", f.file);
			name.className = file.className = "name";
			tr.append(name, file);
			tr.title = "Search for " + f.name;
			tr.addEventListener("click", () => {
				$("search").value = "^" + f.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "$";
				onSearch();
			});
			return tr;
		});
		$("hot-table").tBodies[0].replaceChildren(...rows);
	}

	// --- the timeline ---------------------------------------------------------

	// Which --system figures each panel draws (a panel the recording has
	// nothing for is left out): their names, machine or process scope
	// (the process figures of every sampled process are added up), and how
	// they are read. Units as austinc --system writes them. A rate (a
	// share of CPU time, bytes or pages per second) is the change since
	// the record before, so it is drawn as a step over that period; a
	// level (memory) is drawn through the points.
	const PANELS = [
		{title: "Target memory", unit: formatBytes, levels: true, layers: [
			["rss", "process", "RSS", "#d6342b"]]},
		{title: "Target CPU", unit: percent, stacked: true, layers: [
			["cpu.user", "process", "user", "#e8833a"],
			["cpu.system", "process", "system", "#c0392b"]]},
		{title: "Machine CPU", unit: percent, stacked: true, ceiling: 100, layers: [
			["cpu.user", "machine", "user", "#4a90d9"],
			["cpu.system", "machine", "system", "#c0392b"],
			["cpu.iowait", "machine", "iowait", "#f1c40f"],
			["cpu.steal", "machine", "steal", "#8e44ad"]]},
		{title: "Machine memory", unit: formatBytes, levels: true, layers: [
			["mem.used", "machine", "used", "#16a085"]],
			ceilingFrom: ["mem.total", "machine"]},
		{title: "Disk I/O", unit: perSecond(formatBytes), layers: [
			["disk.read", "machine", "disk read", "#2e86c1"],
			["disk.write", "machine", "disk write", "#d35400"],
			["io.read", "process", "target read", "#85c1e9"],
			["io.write", "process", "target write", "#f0b27a"]]},
		{title: "Paging", unit: perSecond(formatCount), layers: [
			["swap.in", "machine", "pages in", "#6c3483"],
			["swap.out", "machine", "pages out", "#d4ac0d"],
			["faults.major", "machine", "major faults", "#a04000"]]},
	];

	function percent(v) {
		return (v >= 100 ? Math.round(v) : v.toFixed(1)) + "%";
	}

	function perSecond(format) {
		return (v) => format(v) + "/s";
	}

	// A series' value at t: its last point at or before t.
	function valueAt(s, t) {
		let low = 0, high = s.t.length;
		while (low < high) {
			const mid = (low + high) >> 1;
			if (s.t[mid] <= t)
				low = mid + 1;
			else
				high = mid;
		}
		return low ? s.v[low - 1] : 0;
	}

	function seriesOf(name, scope) {
		return series.filter((s) => s.name === name &&
			(scope === "machine" ? s.pid === 0 : s.pid !== 0));
	}

	// One layer of a panel: points [t, value], the processes' figures
	// added up at each time any of them has a point.
	function layerPoints(name, scope) {
		const found = seriesOf(name, scope);
		if (!found.length)
			return null;
		if (found.length === 1)
			return found[0].t.map((t, i) => [t, found[0].v[i]]);
		const times = [...new Set(found.flatMap((s) => s.t))].sort((a, b) => a - b);
		return times.map((t) => [t, found.reduce((sum, s) => sum + valueAt(s, t), 0)]);
	}

	// A rate's points as steps: each value held over the period it was
	// measured in, from the point before (or one period back) to its own.
	function asSteps(points) {
		const steps = [];
		points.forEach(([t, v], i) => {
			const from = i ? points[i - 1][0] : Math.max(0, t - (data.period || 0));
			steps.push([from, v], [t, v]);
		});
		return steps;
	}

	// Threads active and idle per bucket, from the samples: a thread is
	// active in a bucket if any of its samples there was not idle.
	function threadLayers() {
		const wall = data.metrics.indexOf("wall"), cpu = data.metrics.indexOf("cpu");
		const width = data.metrics.length + 1;
		const active = [], idle = [];
		buckets.forEach(([start, e], b) => {
			const busy = new Set(), seen = new Set();
			let stack = 0;
			for (let i = 0; i < e.length; i += width) {
				stack += e[i];
				const thread = data.stack_threads[stack];
				seen.add(thread);
				if (e[i + 1 + (cpu >= 0 ? cpu : wall)] > 0)
					busy.add(thread);
			}
			const end = bucketEnd(b) || timeEnd;
			active.push([start, busy.size], [end, busy.size]);
			idle.push([start, seen.size - busy.size], [end, seen.size - busy.size]);
		});
		const full = summary.mode === "full";
		const layers = [{name: full ? "threads.active" : "threads.sampled",
			label: full ? "active" : "sampled", colour: "#27ae60", points: active}];
		if (full)
			layers.push({name: "threads.idle", label: "idle", colour: "#bdc3c7",
				points: idle});
		return layers;
	}

	function buildPanels() {
		const panels = [];
		for (const spec of PANELS) {
			const layers = [];
			for (const [name, scope, label, colour] of spec.layers) {
				const points = layerPoints(name, scope);
				if (points && points.length)
					layers.push({name, label, colour,
						points: spec.levels ? points : asSteps(points)});
			}
			if (!layers.length)
				continue;
			// A panel with a natural top (all of the CPU time, all of the
			// memory) is drawn to it.
			let ceiling = spec.ceiling || 0;
			if (spec.ceilingFrom) {
				const limit = layerPoints(...spec.ceilingFrom);
				if (limit)
					ceiling = limit.reduce((top, p) => Math.max(top, p[1]), 0);
			}
			panels.push({title: spec.title, unit: spec.unit, stacked: !!spec.stacked,
				ceiling, layers});
		}
		// Time samples only: a memory recording has no idea of threads
		// running.
		const timed = data.metrics.includes("wall") || data.metrics.includes("cpu");
		if (buckets.length > 1 && timed)
			panels.push({title: "Threads", unit: formatCount, stacked: true,
				ceiling: 0, layers: threadLayers()});
		return panels;
	}

	// Round up to 1, 2, 2.5 or 5 times a power of ten.
	function niceCeiling(v) {
		if (!(v > 0))
			return 1;
		const power = Math.pow(10, Math.floor(Math.log10(v)));
		for (const m of [1, 2, 2.5, 5, 10])
			if (v <= m * power)
				return m * power;
		return 10 * power;
	}

	const SVG = "http://www.w3.org/2000/svg";
	const VIEW_WIDTH = 1000; // the panels' own x units (stretched to fit)
	const PANEL_HEIGHT = 64;

	function svgElement(tag, attributes) {
		const element = document.createElementNS(SVG, tag);
		for (const [key, value] of Object.entries(attributes))
			element.setAttribute(key, value);
		return element;
	}

	const xOf = (t) => (t / timeEnd) * VIEW_WIDTH;

	// points as a step function sampled at times (the same points when
	// they were taken at those times, as the figures of one record are).
	function alignTo(points, times) {
		if (points.length === times.length &&
			points.every(([t], i) => t === times[i]))
			return points;
		const s = {t: points.map((p) => p[0]), v: points.map((p) => p[1])};
		return times.map((t) => [t, valueAt(s, t)]);
	}

	// Stacked layers become areas over the layers below, at the first
	// layer's times; the others, lines.
	function drawLayers(svg, panel) {
		const times = panel.layers[0].points.map((p) => p[0]);
		const below = new Float64Array(times.length);
		let top = 0;
		const shapes = panel.layers.map((layer) => {
			const points = panel.stacked ? alignTo(layer.points, times) : layer.points;
			const values = points.map(([t, v], i) => {
				const base = panel.stacked ? below[i] : 0;
				if (panel.stacked)
					below[i] = base + v;
				top = Math.max(top, base + v);
				return [t, base, base + v];
			});
			return {layer, values};
		});
		// (Shares rounded to a decimal may add up to a little more.)
		const ceiling = panel.ceiling > 0 && top <= panel.ceiling * 1.01
			? panel.ceiling : niceCeiling(top);
		const yOf = (v) => PANEL_HEIGHT - 2 - (v / ceiling) * (PANEL_HEIGHT - 6);
		for (const {layer, values} of shapes.reverse()) {
			const upper = values.map(([t, , v]) => xOf(t).toFixed(1) + "," + yOf(v).toFixed(1));
			if (panel.stacked) {
				const lower = values.slice().reverse().map(([t, v]) =>
					xOf(t).toFixed(1) + "," + yOf(v).toFixed(1));
				svg.append(svgElement("polygon", {
					points: upper.concat(lower).join(" "), fill: layer.colour,
					"fill-opacity": "0.85", "data-series": layer.name}));
			} else {
				svg.append(svgElement("polyline", {
					points: upper.join(" "), fill: "none", stroke: layer.colour,
					"stroke-width": "1.5", "vector-effect": "non-scaling-stroke",
					"data-series": layer.name}));
			}
		}
		return ceiling;
	}

	function gridLines(svg, ticks) {
		for (const t of ticks) {
			const x = xOf(t).toFixed(1);
			svg.append(svgElement("line", {x1: x, x2: x, y1: 0, y2: PANEL_HEIGHT,
				class: "grid", "vector-effect": "non-scaling-stroke"}));
		}
	}

	// About eight round ticks over the run.
	function timeTicks() {
		const step = niceCeiling(timeEnd / 8);
		const ticks = [];
		for (let t = 0; t <= timeEnd; t += step)
			ticks.push(t);
		return ticks;
	}

	const selections = [];
	const cursors = [];
	let panels = [];

	function panelElement(panel, ticks) {
		const row = document.createElement("div");
		row.className = "panel";
		row.dataset.panel = panel.title;
		const svg = svgElement("svg", {viewBox: "0 0 " + VIEW_WIDTH + " " + PANEL_HEIGHT,
			preserveAspectRatio: "none", height: PANEL_HEIGHT});
		gridLines(svg, ticks);
		const ceiling = drawLayers(svg, panel);
		const selection = svgElement("rect", {class: "selection", y: 0,
			height: PANEL_HEIGHT, x: 0, width: 0, visibility: "hidden",
			"vector-effect": "non-scaling-stroke"});
		const cursor = svgElement("line", {class: "cursor", y1: 0, y2: PANEL_HEIGHT,
			visibility: "hidden", "vector-effect": "non-scaling-stroke"});
		svg.append(selection, cursor);
		selections.push(selection);
		cursors.push(cursor);
		const label = document.createElement("div");
		label.className = "label";
		const keys = text("div", "");
		keys.className = "keys";
		for (const layer of panel.layers) {
			const key = text("span", layer.label);
			key.className = "key";
			key.style.setProperty("--key", layer.colour);
			keys.append(key);
		}
		const title = text("div", panel.title), max = text("div", "max " + panel.unit(ceiling));
		title.className = "title";
		max.className = "max";
		label.append(title, max, keys);
		row.append(label, svg);
		attachDragging(svg);
		return row;
	}

	function axisElement(ticks) {
		const row = document.createElement("div");
		row.className = "axis-row";
		const axis = document.createElement("div");
		axis.className = "axis";
		axis.style.position = "relative";
		axis.style.height = "16px";
		for (const t of ticks) {
			// The label of a tick at the very end would stick out.
			if (t > timeEnd * 0.96)
				continue;
			const label = text("span", seconds(t) + " s");
			label.style.position = "absolute";
			label.style.left = share(t, timeEnd) + "%";
			label.style.transform = t ? "translateX(-50%)" : "none";
			label.style.fontSize = "11px";
			label.style.color = "var(--muted)";
			axis.append(label);
		}
		row.append(document.createElement("div"), axis);
		return row;
	}

	function buildTimeline() {
		const note = $("timeline-note");
		if (!hasTimeline) {
			note.hidden = false;
			note.textContent = "This recording has no --system figures, so there is no " +
				"timeline and no time range to pick: record with \u201caustinc --system " +
				"-f\u201d to see the target's memory and CPU, the machine's load, I/O and " +
				"threads on one time axis under the flame graph.";
			return;
		}
		if (buckets.length <= 1) {
			note.hidden = false;
			note.textContent = "The samples carry no periods: a time range selects " +
				"them all.";
		}
		panels = buildPanels();
		const ticks = timeTicks();
		const box = $("panels");
		box.replaceChildren(...panels.map((p) => panelElement(p, ticks)), axisElement(ticks));
		// For report-marks.js, which draws the marks of a followed service.
		document.dispatchEvent(new CustomEvent("austinc:timeline", {detail: {marks, box,
			timeEnd, width: VIEW_WIDTH, height: PANEL_HEIGHT, seconds}}));
	}

	// The selection: the range being dragged, or once let go, the time
	// the flame graph shows.
	function drawSelection(dragged) {
		const span = dragged || selectedSpan();
		for (const rect of selections) {
			if (!span) {
				rect.setAttribute("visibility", "hidden");
				continue;
			}
			const x0 = xOf(span[0]), x1 = xOf(Math.min(span[1], timeEnd));
			rect.setAttribute("x", x0.toFixed(2));
			rect.setAttribute("width", Math.max(x1 - x0, 0.5).toFixed(2));
			rect.setAttribute("visibility", "visible");
		}
	}

	function timeAt(svg, clientX) {
		const rect = svg.getBoundingClientRect();
		const x = Math.min(Math.max(clientX - rect.left, 0), rect.width);
		return (x / rect.width) * timeEnd;
	}

	// The figures of every panel at time t, for the hover details.
	function figuresAt(t) {
		const lines = [text("b", seconds(t) + " s")];
		for (const panel of panels) {
			const values = panel.layers.map((layer) => {
				let value = 0;
				for (const [when, v] of layer.points)
					if (when <= t)
						value = v;
					else
						break;
				return layer.label + " " + panel.unit(value);
			});
			lines.push(line("num", panel.title + ": " + values.join(", ")));
		}
		return lines;
	}

	// Drag across any panel to pick a range; the flame graph follows when
	// the button is let go.
	function attachDragging(svg) {
		let start = null;
		svg.addEventListener("pointerdown", (event) => {
			start = timeAt(svg, event.clientX);
			svg.setPointerCapture(event.pointerId);
			tooltip.hidden = true;
		});
		svg.addEventListener("pointermove", (event) => {
			const t = timeAt(svg, event.clientX);
			for (const cursor of cursors) {
				cursor.setAttribute("x1", xOf(t).toFixed(2));
				cursor.setAttribute("x2", xOf(t).toFixed(2));
				cursor.setAttribute("visibility", "visible");
			}
			if (start === null) {
				showTooltip(event, figuresAt(t));
				return;
			}
			drawSelection([Math.min(start, t), Math.max(start, t)]);
		});
		svg.addEventListener("pointerup", (event) => {
			if (start === null)
				return;
			const t = timeAt(svg, event.clientX);
			const [a, b] = [Math.min(start, t), Math.max(start, t)];
			start = null;
			// A click, not a drag: keep the range there was.
			if (b - a < timeEnd / 400) {
				drawSelection();
				return;
			}
			state.range = [a, b];
			state.zoom = 0;
			writeFragment();
			redraw();
		});
		svg.addEventListener("pointerleave", () => {
			for (const cursor of cursors)
				cursor.setAttribute("visibility", "hidden");
			if (start === null)
				tooltip.hidden = true;
		});
	}

	// --- the header -------------------------------------------------------------

	function fact(term, value) {
		const div = document.createElement("div");
		div.append(text("dt", term), text("dd", value));
		return div;
	}

	function describeSamples(s) {
		let text = s.samples.toLocaleString("en-US") + " samples";
		if (s.errors !== null)
			text += ", " + formatShare(share(s.errors, s.samples)) + " errors";
		return text;
	}

	function fillHeader() {
		const s = summary;
		const facts = [];
		if (diff)
			$("kind").textContent = "austinc diff: this run, coloured against a base run";
		// (Without a command, the heading is the Python line already.)
		if (s.python && s.command)
			facts.push(fact("Python", s.python));
		if (s.duration_us !== null)
			facts.push(fact("Duration", formatTime(s.duration_us)));
		facts.push(fact("Samples", describeSamples(s)));
		facts.push(fact("Mode", {wall: "wall time", cpu: "CPU time (-s)",
			memory: "memory (-m)", full: "full (-f)"}[s.mode] || s.mode));
		facts.push(fact("Threads", s.threads + (s.processes > 1 ? " in " +
			s.processes + " processes" : "")));
		if (s.peak_rss !== null)
			facts.push(fact("Peak RSS", formatBytes(s.peak_rss)));
		if (s.cores !== null || s.mem_total !== null)
			facts.push(fact("Machine", [s.cores !== null ? s.cores + " cores" : "",
				s.mem_total !== null ? formatBytes(s.mem_total) + " memory" : ""]
				.filter(Boolean).join(", ")));
		if (diff) {
			const b = diff.summary;
			facts.push(fact("Base", describeSamples(b) + (b.duration_us !== null ?
				" in " + formatTime(b.duration_us) : "")));
		}
		$("facts").replaceChildren(...facts);
		$("meta").tBodies[0].replaceChildren(...data.meta.map(([key, value]) => {
			const tr = document.createElement("tr");
			tr.append(text("td", key), text("td", value));
			return tr;
		}));
	}

	function fillMetrics() {
		const box = $("metrics");
		for (const name of data.metrics) {
			const button = text("button", METRICS[name].label);
			button.type = "button";
			button.setAttribute("role", "radio");
			button.dataset.metric = name;
			button.addEventListener("click", () => {
				state.metric = name;
				state.zoom = 0;
				writeFragment();
				redraw();
			});
			box.append(button);
		}
	}

	// --- wiring ------------------------------------------------------------------

	function onSearch() {
		state.search = $("search").value;
		writeFragment();
		view.matches = findMatches(view.total);
		paint();
		showMatches();
	}

	let resizing = 0;
	window.addEventListener("resize", () => {
		cancelAnimationFrame(resizing);
		resizing = requestAnimationFrame(paint);
	});
	window.addEventListener("hashchange", () => {
		readFragment();
		$("search").value = state.search;
		state.zoom = 0;
		redraw();
	});
	window.addEventListener("keydown", (event) => {
		if (event.key === "Escape" && document.activeElement !== $("search")) {
			state.zoom = 0;
			redraw();
		}
	});
	$("search").addEventListener("input", onSearch);
	$("reset-zoom").addEventListener("click", () => {
		state.zoom = 0;
		redraw();
	});
	$("reset-range").addEventListener("click", () => {
		state.range = null;
		state.zoom = 0;
		writeFragment();
		redraw();
	});

	readFragment();
	$("search").value = state.search;
	fillHeader();
	fillMetrics();
	buildTimeline();
	redraw();
	// How long the page took to be drawn, from the start of its loading.
	document.body.dataset.renderMs = performance.now().toFixed(0);
})();
