// @vitest-environment happy-dom
import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { emptyForm, paths } from '../lib/pool-form.js';
import { installFakes, poolSummary } from '../testing/fake-client.js';
import PoolForm from './PoolForm.vue';

describe('PoolForm', () => {
  it("shows the API's validation messages on their fields and focuses the first one", async () => {
    const issues = [
      {
        path: paths.image,
        code: 'MissingRequiredParameter' as const,
        rule: 'is required: the image every session of the pool runs',
      },
      {
        path: paths.readySessionInstances,
        code: 'SessionPoolInvalidReadySessionInstances' as const,
        rule: 'must be at least 1 and less than maxConcurrentSessions (10)',
      },
      {
        path: 'properties.customContainerTemplate.containers',
        code: 'InvalidParameterValue' as const,
        rule: 'must hold exactly one container',
      },
    ];
    const { client } = installFakes({
      putPool: vi.fn(async () => ({
        ok: false as const,
        error: { status: 400, code: 'ValidationFailed', message: '3 problems', issues },
      })),
    });
    const wrapper = mount(PoolForm, {
      props: { mode: 'create', initial: { ...emptyForm(), name: 'pool-a' } },
      global: { plugins: [createTestingPinia({ stubActions: false, createSpy: vi.fn })] },
      attachTo: document.body,
    });
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(client.putPool).toHaveBeenCalledWith(
      'pool-a',
      expect.objectContaining({ properties: expect.any(Object) as object }),
      { createOnly: true },
    );
    const image = wrapper.get('#f-image');
    expect(image.attributes('aria-invalid')).toBe('true');
    expect(wrapper.get(`#${image.attributes('aria-describedby')?.split(' ').at(-1) ?? ''}`).text()).toContain(
      'is required',
    );
    expect(wrapper.get('#f-ready-msg').text()).toContain('less than maxConcurrentSessions');
    expect(wrapper.get('.form-issues').text()).toContain('must hold exactly one container');
    expect(document.activeElement?.id).toBe('f-image');
    expect(wrapper.emitted('saved')).toBeUndefined();
    wrapper.unmount();
  });

  it('emits saved with the name when the API accepts the pool', async () => {
    installFakes({
      putPool: vi.fn(async () => ({
        ok: true as const,
        value: { summary: poolSummary('pool-b'), definition: {} as never },
      })),
    });
    const wrapper = mount(PoolForm, {
      props: { mode: 'create', initial: { ...emptyForm(), name: 'pool-b', image: 'img:1' } },
      global: { plugins: [createTestingPinia({ stubActions: false, createSpy: vi.fn })] },
    });
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.emitted('saved')).toEqual([['pool-b']]);
  });

  it('labels every control', () => {
    installFakes();
    const initial = {
      ...emptyForm(),
      secrets: [{ name: 's', value: '', existing: true }],
      env: [{ name: 'A', source: 'value' as const, value: '1' }],
    };
    const wrapper = mount(PoolForm, {
      props: { mode: 'edit', initial },
      global: { plugins: [createTestingPinia({ createSpy: vi.fn })] },
    });
    for (const control of wrapper.findAll('input, select, textarea')) {
      const id = control.attributes('id');
      expect(id, control.html()).toBeTruthy();
      expect(wrapper.find(`label[for="${id}"]`).exists(), `label for ${id}`).toBe(true);
    }
    expect(wrapper.get('#f-secret-0-value-hint').text()).toContain('keep the current value');
  });
});
