import { Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import {
  accessibleWhere,
  actorOf,
  subject,
  type AppAbility,
  type ConditionColumns,
  type Principal,
} from '@farmhand/authz';
import { DomainException } from '@farmhand/core';
import { PrinterDirectory } from '@farmhand/printers';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  CompleteMaintenanceTaskDto,
  CreateMaintenanceTaskDto,
  UpdateMaintenanceTaskDto,
} from './dto/maintenance.dto';
import type { MaintenanceTask } from './entities/maintenance-task.entity';
import { MaintenancePhotosService } from './photos/maintenance-photos.service';
import { MaintenanceRepository, type TaskChanges, type TaskStatusRow } from './maintenance.repository';

/** Printers in the status statement, for the caller's read rule. */
const PRINTER_COLUMNS: ConditionColumns = {
  id: { column: 'p.id', type: 'uuid' },
  orgId: { column: 'p.org_id', type: 'uuid' },
  fleetId: { column: 'p.fleet_id', type: 'uuid' },
};
/** A task is due once this share of its interval is used. */
export const DUE_SHARE = 0.9;
export const MAX_TASKS_PER_ORG = 2000;

export function taskState(used: number, interval: number): 'ok' | 'due' | 'overdue' {
  if (used >= interval) return 'overdue';
  return used >= interval * DUE_SHARE ? 'due' : 'ok';
}

const round = (value: number) => Math.round(value * 100) / 100;

const toTaskView = (task: MaintenanceTask) => ({
  id: task.id,
  name: task.name,
  printerId: task.printerId,
  printerModel: task.printerModel,
  intervalKind: task.intervalKind,
  intervalValue: task.intervalValue,
  holdWhenOverdue: task.holdWhenOverdue,
  checklist: task.checklist,
  createdAt: task.createdAt.toISOString(),
});

const toStatusView = (row: TaskStatusRow, names: Map<string, string>) => {
  const state = taskState(row.used, row.intervalValue);
  return {
    taskId: row.taskId,
    taskName: names.get(row.taskId) ?? '',
    printerId: row.printerId,
    printerName: row.printerName,
    intervalKind: row.intervalKind,
    intervalValue: row.intervalValue,
    used: round(row.used),
    remaining: round(row.intervalValue - row.used),
    state,
    holding: state === 'overdue' && row.holdWhenOverdue,
    lastCompletedAt: row.lastCompletedAt ? new Date(row.lastCompletedAt).toISOString() : null,
  };
};

const notFound = () => DomainException.notFound('maintenance_task_not_found', 'Maintenance task not found');

/**
 * Maintenance tasks (admins), their due state per printer from the printers' counters, and completions
 * (operators, on printers they may change). An overdue task that holds its printer keeps the scheduler away from
 * it (MaintenanceDirectory.heldAmong) until someone completes it.
 */
@Injectable()
export class MaintenanceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: MaintenanceRepository,
    private readonly printers: PrinterDirectory,
    private readonly audit: AuditService,
    private readonly photos: MaintenancePhotosService,
  ) {}

  /** Every live task, and its state on each printer the caller may read. */
  async overview(ability: AppAbility, orgId: string, printerId?: string) {
    const tasks = await this.repository.listTasks(orgId, MAX_TASKS_PER_ORG);
    const names = new Map(tasks.map((task) => [task.id, task.name]));
    const rows = await this.repository.status(
      orgId,
      accessibleWhere(ability, 'read', 'Printer', PRINTER_COLUMNS),
      printerId,
    );
    return { tasks: tasks.map(toTaskView), status: rows.map((row) => toStatusView(row, names)) };
  }

  async history(ability: AppAbility, orgId: string, printerId: string, limit = 100) {
    await this.printerInReach(ability, orgId, printerId, 'read');
    const rows = await this.repository.history(orgId, printerId, limit);
    const photos = await this.photos.ofCompletions(rows.map((row) => row.id));
    return {
      items: rows.map((row) => ({
        id: row.id,
        taskId: row.taskId,
        taskName: row.task?.name ?? '',
        printerId: row.printerId,
        notes: row.notes,
        checklist: row.checklist,
        printHours: round(row.printSeconds / 3600),
        filamentGrams: round(row.filamentGrams),
        prints: row.prints,
        completedAt: row.completedAt.toISOString(),
        photos: photos.get(row.id) ?? [],
      })),
    };
  }

  async create(principal: Principal, ability: AppAbility, orgId: string, input: CreateMaintenanceTaskDto) {
    const model = input.printerModel?.trim() || null;
    if (Boolean(input.printerId) === Boolean(model))
      throw DomainException.invalid(
        'maintenance_target_invalid',
        'Name either one printer (printerId) or a printer model (printerModel)',
        'printerId',
      );
    if (input.printerId) await this.printerInReach(ability, orgId, input.printerId, 'read');
    return this.dataSource.transaction(async (manager) => {
      if ((await this.repository.countTasks(manager, orgId)) >= MAX_TASKS_PER_ORG)
        throw DomainException.conflict('maintenance_task_limit_reached', `At most ${MAX_TASKS_PER_ORG} tasks`);
      const task = await this.repository.insertTask(manager, {
        orgId,
        name: input.name.trim(),
        printerId: input.printerId ?? null,
        printerModel: model,
        intervalKind: input.intervalKind,
        intervalValue: input.intervalValue,
        holdWhenOverdue: input.holdWhenOverdue ?? false,
        checklist: (input.checklist ?? []).map((item) => item.trim()),
      });
      await this.record(manager, principal, orgId, 'maintenance.taskCreated', task.id, {
        name: task.name,
        printerId: task.printerId,
        printerModel: task.printerModel,
        interval: [task.intervalKind, task.intervalValue],
        holdWhenOverdue: task.holdWhenOverdue,
      });
      return toTaskView(task);
    });
  }

  async update(principal: Principal, orgId: string, id: string, input: UpdateMaintenanceTaskDto) {
    const changes: TaskChanges = {};
    if (input.name !== undefined) changes.name = input.name.trim();
    if (input.intervalKind !== undefined) changes.intervalKind = input.intervalKind;
    if (input.intervalValue !== undefined) changes.intervalValue = input.intervalValue;
    if (input.holdWhenOverdue !== undefined) changes.holdWhenOverdue = input.holdWhenOverdue;
    if (input.checklist !== undefined) changes.checklist = input.checklist.map((item) => item.trim());
    return this.dataSource.transaction(async (manager) => {
      const task = await this.repository.lockTask(manager, orgId, id);
      if (!task || task.archivedAt) throw notFound();
      if (Object.keys(changes).length) {
        await this.repository.updateTask(manager, id, changes);
        await this.record(manager, principal, orgId, 'maintenance.taskUpdated', id, { changed: Object.keys(changes) });
      }
      return toTaskView((await this.repository.findTask(orgId, id, manager))!);
    });
  }

  async archive(principal: Principal, orgId: string, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const task = await this.repository.lockTask(manager, orgId, id);
      if (!task || task.archivedAt) throw notFound();
      await this.repository.updateTask(manager, id, { archivedAt: new Date() });
      await this.record(manager, principal, orgId, 'maintenance.taskArchived', id, { name: task.name });
    });
  }

  /** Done on one printer: the printer's counters now are where the next interval starts. */
  async complete(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    id: string,
    input: CompleteMaintenanceTaskDto,
  ) {
    await this.printerInReach(ability, orgId, input.printerId, 'update');
    return this.dataSource.transaction(async (manager) => {
      const task = await this.repository.lockTask(manager, orgId, id);
      if (!task || task.archivedAt) throw notFound();
      const applies = (await this.repository.status(orgId, { sql: 'TRUE', parameters: {} }, input.printerId)).some(
        (row) => row.taskId === id,
      );
      if (!applies)
        throw DomainException.invalid('maintenance_not_for_printer', 'This task is not for that printer', 'printerId');
      const ticks = input.checklist ?? [];
      if (ticks.length && ticks.length !== task.checklist.length)
        throw DomainException.invalid(
          'maintenance_checklist_mismatch',
          `The checklist has ${task.checklist.length} items`,
          'checklist',
        );
      const counters = await this.repository.counters(manager, input.printerId);
      const completion = await this.repository.insertCompletion(manager, {
        orgId,
        taskId: id,
        printerId: input.printerId,
        completedBy: actorOf(principal).id,
        notes: input.notes?.trim() || null,
        checklist: task.checklist.map((item, index) => ({ item, done: ticks[index] ?? false })),
        ...counters,
      });
      await this.record(manager, principal, orgId, 'maintenance.completed', id, {
        printerId: input.printerId,
        completionId: completion.id,
        checklistDone: completion.checklist.filter((entry) => entry.done).length,
      });
      return { id: completion.id, completedAt: completion.completedAt.toISOString() };
    });
  }

  private async printerInReach(ability: AppAbility, orgId: string, printerId: string, action: 'read' | 'update') {
    const [placement] = await this.printers.placements([printerId]);
    const printer = placement && placement.orgId === orgId ? subject('Printer', { ...placement }) : null;
    if (!printer || ability.cannot('read', printer))
      throw DomainException.notFound('printer_not_found', 'Printer not found');
    if (action === 'update' && ability.cannot('update', printer))
      throw DomainException.forbidden('forbidden', 'You may not maintain this printer');
  }

  private record(
    manager: EntityManager,
    principal: Principal,
    orgId: string,
    action: string,
    id: string,
    details: Record<string, unknown>,
  ) {
    return this.audit.record(manager, { orgId, principal, action, subject: { type: 'MaintenanceTask', id }, details });
  }
}
