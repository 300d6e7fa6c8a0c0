/**
 * An administrator reads the identification process in the designer: at the
 * first view every step's title is at least 11 px on screen, no edge runs
 * through a step, the title is whole, no watermark or timing text; the 入户核实
 * step shows its real rule; an invalid publish lists plain-Chinese problems
 * naming the step, and clicking one selects that step; a valid change is
 * published only after a summary of the changes is confirmed (here: cancelled).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, login, shot } from './browser.js';

let browser: Browser;
const base = () => inject('baseUrl');
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** rendered size of every step title: computed font size × the graph's zoom */
async function titleSizes(page: Page) {
  return page.evaluate(() => {
    const vp = document.querySelector('.react-flow__viewport') as HTMLElement;
    const zoom = new DOMMatrix(getComputedStyle(vp).transform).a;
    return [...document.querySelectorAll('[data-step]')].map((n) => {
      const t = n.querySelector('.zx-step-title') as HTMLElement;
      return {
        id: n.getAttribute('data-step'),
        px: parseFloat(getComputedStyle(t).fontSize) * zoom,
        height: t.getBoundingClientRect().height,
      };
    });
  });
}

/** edges that pass through a step other than their own ends (sampled along the path, on screen) */
async function edgesThroughSteps(page: Page) {
  return page.evaluate(() => {
    const boxes = [...document.querySelectorAll('.react-flow__node')].map((n) => ({
      id: n.getAttribute('data-id')!,
      r: n.getBoundingClientRect(),
    }));
    const hits: string[] = [];
    for (const g of document.querySelectorAll('.react-flow__edge')) {
      const id = (g.getAttribute('data-testid') ?? '').replace(/^rf__edge-/, '');
      const path = g.querySelector('path.react-flow__edge-path') as SVGPathElement | null;
      if (!path) continue;
      const len = path.getTotalLength();
      const ctm = path.getScreenCTM()!;
      const at = (f: number) => {
        const p = path.getPointAtLength(len * f);
        return new DOMPoint(p.x, p.y).matrixTransform(ctm);
      };
      const end = at(1);
      const inside = (r: DOMRect, p: DOMPoint, inset = 3) =>
        p.x > r.left + inset && p.x < r.right - inset && p.y > r.top + inset && p.y < r.bottom - inset;
      const source = id.split(':')[0];
      const target = boxes.find((b) => inside(b.r, end, -4))?.id;
      for (let f = 0.04; f < 0.97; f += 0.01) {
        const p = at(f);
        const hit = boxes.find((b) => b.id !== source && b.id !== target && inside(b.r, p));
        if (hit) {
          hits.push(`${id} → through ${hit.id}`);
          break;
        }
      }
    }
    return hits;
  });
}

describe('process designer', () => {
  it('shows the identification process readably and explains what blocks a publish', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await login(page, base(), 'admin');
    await page.goto(`${base()}/admin/processes/identification`);
    await page.locator('[data-step="apply"]').waitFor();
    await page.waitForTimeout(300); // the first view is set once the canvas has its size

    // the latest published version (another test may have published one with more steps)
    const published = await page.evaluate(async () => {
      const list = await fetch('/api/admin/processes').then((r) => r.json());
      const versions = list.items
        .filter(
          (p: { key: string; status: string }) => p.key === 'identification' && p.status === 'published',
        )
        .map((p: { version: number }) => p.version);
      const v = await fetch(`/api/admin/processes/identification/versions/${Math.max(...versions)}`).then(
        (r) => r.json(),
      );
      return { versions: versions.length, steps: v.definition.steps as { id: string }[] };
    });
    const sizes = await titleSizes(page);
    expect(sizes).toHaveLength(published.steps.length);
    const small = sizes.filter((s) => s.px < 11);
    expect(small, JSON.stringify(small)).toEqual([]);
    expect(await edgesThroughSteps(page)).toEqual([]);
    // the title is whole, and nothing but the process on screen: no watermark, no timing
    const title = page.getByRole('heading', { name: /流程设计：防止返贫监测对象识别/ });
    await title.waitFor();
    expect(await title.evaluate((h) => h.scrollWidth <= h.clientWidth)).toBe(true);
    expect(await page.locator('.react-flow__attribution').count()).toBe(0);
    expect(await page.getByText(/React Flow|耗时|\d+\s*ms/).count()).toBe(0);
    await shot(page, 'process-designer-default-1280');

    // 入户核实 needs two different verifiers (minVerifiers = 2), not 或签
    await page.locator('[data-step="verify"]').click();
    await expect
      .poll(() => page.getByTestId('step-rule').textContent())
      .toBe('办理规则：至少 2 名不同入户核实人员办理');
    expect(await page.locator('[data-step="verify"]').textContent()).toContain(
      '至少 2 名不同入户核实人员办理',
    );
    expect(await page.getByRole('combobox', { name: '审批方式' }).locator('..').textContent()).not.toContain(
      '或签',
    );

    // a new step lands in view, highlighted and selected
    // (the designers' test may have published a version with a task_1 already: find the step that is new)
    const stepIds = () =>
      page.locator('[data-step]').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    const existing = new Set(await stepIds());
    await page.getByRole('button', { name: '+ 人工审批' }).click();
    let newId: string | null | undefined;
    await expect
      .poll(async () => (newId = (await stepIds()).find((x) => x && !existing.has(x))))
      .toBeTruthy();
    const added = page.locator(`[data-step="${newId}"]`);
    await added.waitFor();
    await expect.poll(() => added.getAttribute('class')).toContain('zx-flash');
    await page.waitForTimeout(500);
    const canvas = (await page.locator('div[aria-label="流程图"]').boundingBox())!;
    const box = (await added.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(canvas.y);
    expect(box.y + box.height).toBeLessThanOrEqual(canvas.y + canvas.height);
    expect(await page.getByLabel('步骤属性').textContent()).toContain('步骤属性：人工审批');

    // publishing it as it is: refused, in plain Chinese naming the step and the control
    await page.locator('[data-step="apply"]').click();
    await page.getByRole('button', { name: '发布新版本' }).click();
    const problem = page.getByText(`第${published.steps.length + 1}步「人工审批」的「同意」没有设置下一步`);
    await problem.waitFor();
    const listed = await page.getByLabel('校验问题').textContent();
    expect(listed).not.toMatch(/\/steps|must|格式不符合要求/);
    expect(await page.getByRole('button', { name: '确认发布' }).count()).toBe(0);
    await shot(page, 'process-designer-errors-1280');
    // clicking the problem selects the step
    await problem.click();
    await expect.poll(() => page.getByLabel('步骤属性').textContent()).toContain('步骤属性：人工审批');
    expect(await page.getByLabel('步骤名称').inputValue()).toBe('人工审批');

    // remove it, rename a step: the confirmation lists that change; cancelling publishes nothing
    await page.getByRole('button', { name: '删除此步骤' }).click();
    // the list view finds a step without panning the graph
    await page.locator('.ant-segmented-item', { hasText: '列表' }).click();
    await page.locator('[data-flow-step="village_review"] [role="button"]').click();
    await page.getByLabel('步骤名称').fill('村民代表评议');
    await page.getByRole('button', { name: '发布新版本' }).click();
    const dialog = page.getByRole('dialog');
    const at = published.steps.findIndex((x) => x.id === 'village_review') + 1;
    await dialog.getByText(`第${at}步「村民代表评议」：名称`).waitFor();
    await shot(page, 'process-designer-confirm-1280');
    await dialog.getByRole('button', { name: /取\s*消/ }).click();
    const versions = await page.evaluate(() => fetch('/api/admin/processes').then((r) => r.json()));
    expect(
      versions.items.filter(
        (p: { key: string; status: string }) => p.key === 'identification' && p.status === 'published',
      ),
    ).toHaveLength(published.versions);
    await page.close();
  });

  it('reads as a vertical list on a phone', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await login(page, base(), 'admin');
    await page.goto(`${base()}/admin/processes/identification`);
    const list = page.getByLabel('流程列表');
    await list.waitFor();
    await list.getByText('第2步 · 人工审批').waitFor();
    expect(await list.textContent()).toContain('至少 2 名不同入户核实人员办理');
    // no horizontal scrolling of the page
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(page, 'process-designer-list-375');
    await page.locator('[data-flow-step="verify"] [role="button"]').click();
    await expect.poll(() => page.getByLabel('步骤属性').textContent()).toContain('步骤属性：入户核实');
    await page.close();
  });

  it('brings a field added to a form into view, highlighted', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await login(page, base(), 'admin');
    await page.goto(`${base()}/admin/forms/application`);
    await page.getByRole('button', { name: '手机号码' }).waitFor();
    await page.locator('[data-field]').first().waitFor({ state: 'attached' });
    const before = await page.locator('[data-field]').count();
    await page.getByRole('button', { name: '手机号码' }).click();
    await expect.poll(() => page.locator('[data-field]').count()).toBe(before + 1);
    const added = page.locator('[data-field^="field"]').last();
    await expect.poll(() => added.getAttribute('class')).toContain('zx-flash');
    await page.waitForTimeout(600);
    // inside the visible part of the scrolled field list, and inside the window
    const visible = await added.evaluate((el) => {
      const r = el.getBoundingClientRect();
      let p = el.parentElement;
      while (p && getComputedStyle(p).overflowY !== 'auto') p = p.parentElement;
      const box = p!.getBoundingClientRect();
      return r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.bottom <= innerHeight;
    });
    expect(visible).toBe(true);
    expect(await page.getByText(/耗时|\d+\s*ms/).count()).toBe(0);
    await shot(page, 'form-designer-new-field-1280');
    await page.close();
  });
});
